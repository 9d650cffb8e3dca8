import { html, nothing } from 'lit';
import type { User } from '@parley/sdk';
import type { ChatController } from '../controllers/chat-controller.js';
import { format } from '../strings.js';
import type { ChatStrings } from '../strings.js';
import { backIcon, chatIcon, closeIcon, plusIcon } from '../styles/icons.js';
import { avatar } from '../templates/avatar.js';
import { displayName } from '../utils/names.js';

/** The floating launcher with its unread badge. */
export function renderLauncher(open: boolean, unread: number, s: ChatStrings, toggle: () => void) {
  const label = open ? s.closeChat : s.openChat;
  const count = unread ? format(s.unreadCount, { count: unread }) : '';
  return html`<button
    part="launcher"
    class="launcher"
    aria-expanded=${open ? 'true' : 'false'}
    aria-controls="panel"
    aria-label=${count ? `${label}, ${count}` : label}
    @click=${toggle}
  >
    ${open ? closeIcon : chatIcon}
    ${
      unread
        ? html`<span part="unread-badge" class="badge" aria-hidden="true"
            >${unread > 99 ? '99+' : unread}</span
          >`
        : nothing
    }
  </button>`;
}

export interface HeaderOptions {
  s: ChatStrings;
  view: 'list' | 'contacts' | 'conversation';
  floating: boolean;
  other: User | null;
  onBack: () => void;
  onNew: () => void;
  onClose: () => void;
}

/** The panel header: a title and "new conversation", or a back button and whom one talks to. */
export function renderHeader(o: HeaderOptions) {
  const { s, view, other } = o;
  const close = o.floating
    ? html`<button
        class="icon-button"
        aria-label=${s.closeChat}
        title=${s.closeChat}
        @click=${o.onClose}
      >
        ${closeIcon}
      </button>`
    : nothing;
  if (view === 'list') {
    return html`<header part="header">
      <div class="heading"><h2 tabindex="-1">${s.title}</h2></div>
      <button
        class="icon-button"
        aria-label=${s.newConversation}
        title=${s.newConversation}
        @click=${o.onNew}
      >
        ${plusIcon}
      </button>
      ${close}
    </header>`;
  }
  const back = html`<button
    class="icon-button"
    aria-label=${s.back}
    title=${s.back}
    @click=${o.onBack}
  >
    ${backIcon}
  </button>`;
  if (view === 'contacts' || !other) {
    return html`<header part="header" class="sub">
      ${back}
      <div class="heading">
        <h2 tabindex="-1">${view === 'contacts' ? s.newConversation : ''}</h2>
      </div>
      ${close}
    </header>`;
  }
  const name = displayName(other, s.unknownUser);
  const presence = other.online ? s.online : s.away;
  return html`<header part="header" class="sub">
    ${back}
    <div class="heading">
      ${avatar(name, other.avatarUrl, other.online)}
      <div class="who">
        <h2 tabindex="-1">${name}</h2>
        <small data-presence=${other.online ? 'online' : 'offline'}>${presence}</small>
      </div>
    </div>
    ${close}
  </header>`;
}

function errorText(chat: ChatController, s: ChatStrings): string {
  const code = chat.error?.code;
  if (code === 'unauthorized' || code === 'token_expired') return s.errorAuth;
  if (code === 'network' || code === 'timeout' || !chat.ready) return s.errorConnect;
  return s.errorGeneric;
}

/** Connection trouble and failures, shown inside the widget. */
export function renderBanner(chat: ChatController, s: ChatStrings) {
  if (chat.error) {
    return html`<div part="banner" class="banner error" role="alert">
      <span>${errorText(chat, s)}</span>
      <button @click=${() => chat.dismissError()}>${s.dismiss}</button>
    </div>`;
  }
  const status = chat.state?.status;
  const text = !navigator.onLine
    ? s.offline
    : status === 'reconnecting'
      ? s.reconnecting
      : status === 'offline'
        ? s.offline
        : '';
  return text
    ? html`<div part="banner" class="banner" role="status"><span>${text}</span></div>`
    : nothing;
}
