import { LitElement, html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ClientMessage } from '@parley/sdk';
import { ChatActionEvent } from '../events.js';
import { defaultStrings, format } from '../strings.js';
import type { ChatStrings } from '../strings.js';
import { downIcon } from '../styles/icons.js';
import { baseStyles } from '../styles/shared.styles.js';
import { define } from '../utils/define.js';
import { renderRow } from './message-row.js';
import type { RowContext } from './message-row.js';
import { buildRows } from './rows.js';
import { styles } from './chat-message-list.styles.js';
import { VirtualWindow } from './virtual-window.js';

const BOTTOM_SLACK = 48;
const EARLIER_THRESHOLD = 400;
/** Room under the last message (`.tail`), so that the typing indicator never covers it. */
const TAIL = 32;

/**
 * The messages of one conversation, virtualized: only the rows near the viewport are in the DOM,
 * so a conversation of 10,000 messages opens and scrolls as fast as one of ten. It keeps to the
 * bottom while the reader is there, keeps the reader's place when earlier messages load, and
 * offers a jump to the latest when messages arrive while the reader is scrolled up.
 *
 * @csspart message-list - The scrolling log of messages.
 * @csspart message - One message bubble; also `message-mine` or `message-theirs`.
 * @fires chat-action - Internal: `load-earlier`, `retry`, `discard` and `read`.
 */
export class ChatMessageList extends LitElement {
  static override styles = [baseStyles, styles];

  @property({ attribute: false }) messages: readonly ClientMessage[] = [];
  @property({ attribute: false }) meId: string | null = null;
  @property({ attribute: false }) strings: ChatStrings = defaultStrings;
  @property() locale: string | undefined;
  @property() label = '';
  @property({ attribute: false }) otherName = '';
  @property({ type: Number }) otherLastReadSeq = 0;
  @property({ type: Boolean }) hasMoreBefore = false;
  @property({ type: Boolean }) loadingEarlier = false;

  @state() private newCount = 0;
  @state() private announcements: Array<{ key: string; text: string }> = [];

  @query('.scroller') private scroller!: HTMLElement;

  private win = new VirtualWindow();
  private start = 0;
  private end = 0;
  private stick = true;
  private anchor: { key: string; top: number } | null = null;
  private lastKey: string | null = null;
  /** The scroller's size when its rows were last measured (`updated`). */
  private measuredSize = '';
  // Its first report, right after the first render, is of the size just measured: no new render.
  private resize = new ResizeObserver(() => {
    if (this.scrollerSize() !== this.measuredSize) this.requestUpdate();
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  override firstUpdated(): void {
    this.resize.observe(this.scroller);
  }

  private scrollerSize(): string {
    return `${this.scroller.clientWidth}x${this.scroller.clientHeight}`;
  }

  /** True when the reader sees the latest message. */
  get atBottom(): boolean {
    const el = this.scroller;
    return !el || el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
  }

  /** Scrolls to the latest message. */
  scrollToLatest(): void {
    this.stick = true;
    this.newCount = 0;
    this.requestUpdate();
  }

  // Before the DOM changes: remember which row is at the top of the viewport and where.
  private captureAnchor(): void {
    const el = this.scroller;
    this.anchor = null;
    if (!el) return;
    this.stick = this.stick || this.atBottom;
    const top = el.getBoundingClientRect().top;
    // Day separators keep their key when earlier messages of the same day arrive: not anchors.
    for (const row of el.querySelectorAll<HTMLElement>('.row.msg')) {
      const rect = row.getBoundingClientRect();
      if (rect.bottom > top) {
        this.anchor = { key: row.dataset.key!, top: rect.top - top };
        return;
      }
    }
  }

  /**
   * Where the scroll position must be so that the anchor row stays where it was on screen, for a
   * viewport of `height` (before the first render there is no scroller to ask).
   */
  private targetScrollTop(height = this.scroller?.clientHeight ?? 0): number {
    const el = this.scroller;
    if (this.stick) return Math.max(0, this.win.total + TAIL - height);
    const i = this.anchor ? this.win.indexOf(this.anchor.key) : undefined;
    if (i === undefined || !this.anchor) return el?.scrollTop ?? 0;
    return Math.max(0, this.win.offsetOf(i) - this.anchor.top);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.captureAnchor();
    if (changed.has('messages') || changed.has('meId') || changed.has('strings')) {
      const rows = buildRows(this.messages, this.meId, this.locale, this.strings);
      const previousLast = this.lastKey;
      const lastIndex = previousLast ? rows.findIndex((r) => r.key === previousLast) : -1;
      const appended = previousLast && lastIndex >= 0 ? rows.slice(lastIndex + 1) : [];
      this.win.setRows(rows);
      this.lastKey = rows[rows.length - 1]?.key ?? null;
      const incoming = appended.filter((r) => r.message && !r.mine);
      if (!this.stick && incoming.length) this.newCount += incoming.length;
      if (incoming.length) this.announce(incoming.map((r) => r.message!));
      if (appended.some((r) => r.mine)) this.stick = true;
    }
    // One height for the target and the range: a first render that took the bottom of a 0 px
    // viewport would leave out the rows at the top of the real one, and render again at once.
    const height = this.scroller?.clientHeight || 600;
    const target = this.targetScrollTop(height);
    [this.start, this.end] = this.win.range(target, height, Math.max(400, height));
  }

  private announce(messages: ClientMessage[]): void {
    const texts = messages.map((m) => ({
      key: m.id,
      text: format(this.strings.announceMessage, { name: this.otherName, content: m.content }),
    }));
    this.announcements = [...this.announcements, ...texts].slice(-5);
  }

  protected override updated(): void {
    const el = this.scroller;
    // Spacer heights go through the CSSOM, never a style attribute: a strict CSP blocks those.
    this.setSpacers();
    // Measure what was rendered; correct the layout when estimates were off.
    let changed = false;
    for (const row of el.querySelectorAll<HTMLElement>('.row')) {
      changed = this.win.measure(row.dataset.key!, row.getBoundingClientRect().height) || changed;
    }
    if (changed) {
      this.win.layout();
      this.setSpacers();
    }
    const target = this.targetScrollTop();
    if (Math.abs(el.scrollTop - target) > 0.5) el.scrollTop = target;
    const [start, end] = this.win.range(el.scrollTop, el.clientHeight, el.clientHeight);
    if (start < this.start || end > this.end) this.requestUpdate();
    this.measuredSize = this.scrollerSize();
    if (this.stick && this.atBottom) this.newCount = 0;
    if (this.atBottom) this.dispatchEvent(new ChatActionEvent({ action: 'read' }));
    this.maybeLoadEarlier();
  }

  private setSpacers(): void {
    const [top, bottom] = this.scroller.querySelectorAll<HTMLElement>('.spacer');
    top!.style.height = `${this.win.offsetOf(this.start)}px`;
    bottom!.style.height = `${this.win.total - this.win.offsetOf(this.end)}px`;
  }

  private maybeLoadEarlier(): void {
    if (this.hasMoreBefore && !this.loadingEarlier && this.scroller.scrollTop < EARLIER_THRESHOLD) {
      this.dispatchEvent(new ChatActionEvent({ action: 'load-earlier' }));
    }
  }

  private onScroll(): void {
    const el = this.scroller;
    const bottom = this.atBottom;
    if (bottom && this.newCount) this.newCount = 0;
    if (bottom) this.dispatchEvent(new ChatActionEvent({ action: 'read' }));
    this.stick = bottom;
    const [start, end] = this.win.range(el.scrollTop, el.clientHeight, el.clientHeight / 2);
    if (start < this.start || end > this.end) this.requestUpdate();
    this.maybeLoadEarlier();
  }

  private readonly ctx: RowContext = {
    strings: defaultStrings,
    locale: undefined,
    otherName: '',
    otherLastReadSeq: 0,
    onRetry: (m) =>
      this.dispatchEvent(
        new ChatActionEvent({ action: 'retry', clientMessageId: m.clientMessageId }),
      ),
    onDiscard: (m) =>
      this.dispatchEvent(
        new ChatActionEvent({ action: 'discard', clientMessageId: m.clientMessageId }),
      ),
  };

  override render() {
    const ctx = Object.assign(this.ctx, {
      strings: this.strings,
      locale: this.locale,
      otherName: this.otherName,
      otherLastReadSeq: this.otherLastReadSeq,
    });
    const rows = this.win.rows.slice(this.start, this.end);
    return html`<div
        class="scroller"
        part="message-list"
        role="log"
        aria-live="off"
        aria-label=${this.label}
        tabindex="0"
        @scroll=${this.onScroll}
      >
        <div class="filler"></div>
        <div class="spacer"></div>
        ${repeat(
          rows,
          (row) => row.key,
          (row) => renderRow(row, ctx),
        )}
        <div class="spacer"></div>
        <div class="tail"></div>
        ${this.messages.length ? nothing : html`<p class="empty">${this.strings.emptyConversation}</p>`}
      </div>
      ${
        this.loadingEarlier
          ? html`<div class="loading" role="status">${this.strings.loadingEarlier}</div>`
          : nothing
      }
      ${
        this.newCount
          ? html`<button class="jump" @click=${this.scrollToLatest}>
              ${downIcon}<span>${format(this.strings.jumpToLatest, { count: this.newCount })}</span>
            </button>`
          : nothing
      }
      <div class="sr-only" aria-live="polite" aria-atomic="false">
        ${repeat(
          this.announcements,
          (a) => a.key,
          (a) => html`<p>${a.text}</p>`,
        )}
      </div>`;
  }
}

define('chat-message-list', ChatMessageList);

declare global {
  interface HTMLElementTagNameMap {
    'chat-message-list': ChatMessageList;
  }
}
