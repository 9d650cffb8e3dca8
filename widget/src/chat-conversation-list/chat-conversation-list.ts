import { LitElement, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Conversation, User } from '@parley/sdk';
import { ChatActionEvent, ChatNavigateEvent } from '../events.js';
import { defaultStrings, format } from '../strings.js';
import type { ChatStrings } from '../strings.js';
import { baseStyles } from '../styles/shared.styles.js';
import { avatar, avatarStyles } from '../templates/avatar.js';
import { define } from '../utils/define.js';
import { displayName } from '../utils/names.js';
import { relativeTime } from '../utils/time.js';
import { styles } from './chat-conversation-list.styles.js';

/**
 * The signed-in user's conversations, latest activity first: avatar or initials with a presence
 * dot, name, last-message preview, relative time and unread count.
 *
 * @csspart conversation-list - The list of conversations.
 * @csspart conversation - One conversation (a button).
 * @csspart presence - A presence dot.
 * @fires chat-navigate - Internal: a conversation was chosen.
 * @fires chat-action - Internal: `load-more` conversations.
 */
export class ChatConversationList extends LitElement {
  static override styles = [baseStyles, avatarStyles, styles];

  @property({ attribute: false }) conversations: Conversation[] = [];
  @property({ attribute: false }) users: Record<string, User> = {};
  @property({ attribute: false }) meId: string | null = null;
  @property({ attribute: false }) strings: ChatStrings = defaultStrings;
  @property() locale: string | undefined;
  @property({ type: Boolean }) hasMore = false;

  private open(conversation: Conversation): void {
    this.dispatchEvent(
      new ChatNavigateEvent({ view: 'conversation', conversationId: conversation.id }),
    );
  }

  private more(): void {
    this.dispatchEvent(new ChatActionEvent({ action: 'load-more' }));
  }

  private renderItem(conversation: Conversation) {
    const s = this.strings;
    const other = this.users[conversation.otherUser.id] ?? conversation.otherUser;
    const name = displayName(other, s.unknownUser);
    const last = conversation.lastMessage;
    const preview = last ? (last.senderId === this.meId ? `${s.you}: ` : '') + last.content : '';
    const when = conversation.lastMessageAt ?? last?.createdAt;
    const unread = conversation.unreadCount;
    return html`<li>
      <button
        part="conversation"
        class="item ${unread ? 'unread' : ''}"
        data-conversation-id=${conversation.id}
        @click=${() => this.open(conversation)}
      >
        ${avatar(name, other.avatarUrl, other.online, other.online ? s.online : s.away)}
        <span class="main">
          <span class="name">${name}</span>
          <span class="time">${when ? relativeTime(when, this.locale, s) : nothing}</span>
          <span class="preview">${preview.slice(0, 200)}</span>
          ${
            unread
              ? html`<span class="count" aria-label=${format(s.unreadCount, { count: unread })}
                  >${unread > 99 ? '99+' : unread}</span
                >`
              : nothing
          }
        </span>
      </button>
    </li>`;
  }

  override render() {
    if (!this.conversations.length) {
      return html`<p class="empty">${this.strings.noConversations}</p>`;
    }
    return html`<ul part="conversation-list" aria-label=${this.strings.title}>
        ${repeat(
          this.conversations,
          (c) => c.id,
          (c) => this.renderItem(c),
        )}
      </ul>
      ${
        this.hasMore
          ? html`<button class="more" @click=${this.more}>
              ${this.strings.loadMoreConversations}
            </button>`
          : nothing
      }`;
  }
}

define('chat-conversation-list', ChatConversationList);

declare global {
  interface HTMLElementTagNameMap {
    'chat-conversation-list': ChatConversationList;
  }
}
