import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import type { ClientMessage } from '@parley/sdk';
import type { ChatStrings } from '../strings.js';
import { alertIcon, checkIcon, clockIcon, doubleCheckIcon } from '../styles/icons.js';
import { linkify } from '../utils/safe-url.js';
import { clockTime } from '../utils/time.js';
import type { Row } from './rows.js';

/** Content as text nodes and http(s) links only: never parsed as HTML. */
export function renderContent(content: string): Array<TemplateResult | string> {
  return linkify(content).map((part) =>
    part.href
      ? html`<a href=${part.href} target="_blank" rel="noopener noreferrer nofollow"
          >${part.text}</a
        >`
      : part.text,
  );
}

/** What the sender sees of their own message: sending, sent, read or not sent. */
export function deliveryStatus(
  message: ClientMessage,
  otherLastReadSeq: number,
): 'pending' | 'sent' | 'read' | 'failed' {
  if (message.status !== 'sent') return message.status;
  return message.seq !== null && message.seq <= otherLastReadSeq ? 'read' : 'sent';
}

const statusIcons = {
  pending: clockIcon,
  sent: checkIcon,
  read: doubleCheckIcon,
  failed: alertIcon,
};

export interface RowContext {
  strings: ChatStrings;
  locale: string | undefined;
  otherName: string;
  otherLastReadSeq: number;
  onRetry: (message: ClientMessage) => void;
  onDiscard: (message: ClientMessage) => void;
}

export function renderRow(row: Row, ctx: RowContext): TemplateResult {
  const message = row.message;
  if (!message) {
    return html`<div class="row day" data-key=${row.key}><span>${row.day}</span></div>`;
  }
  const s = ctx.strings;
  const status = row.mine ? deliveryStatus(message, ctx.otherLastReadSeq) : null;
  const classes = `row msg ${row.mine ? 'mine' : 'theirs'}${row.first ? ' first' : ''}${
    row.last ? ' last' : ''
  }`;
  return html`<div class=${classes} data-key=${row.key}>
    <div
      part="message ${row.mine ? 'message-mine' : 'message-theirs'}"
      class="bubble"
      data-status=${status ?? 'received'}
      data-seq=${message.seq ?? nothing}
    >
      <span class="sr-only">${row.mine ? s.you : ctx.otherName}: </span>
      <span class="content">${renderContent(message.content)}</span>
      <span class="meta">
        <time datetime=${message.createdAt}>${clockTime(message.createdAt, ctx.locale)}</time>
        ${
          status
            ? html`<span class="status" role="img" aria-label=${s[status]} title=${s[status]}
                >${statusIcons[status]}</span
              >`
            : nothing
        }
      </span>
    </div>
    ${
      status === 'failed'
        ? html`<div class="failed">
            <span>${s.failed}</span>
            <button class="link" @click=${() => ctx.onRetry(message)}>${s.retry}</button>
            <button class="link" @click=${() => ctx.onDiscard(message)}>${s.discard}</button>
          </div>`
        : nothing
    }
  </div>`;
}
