import { LitElement, html, nothing } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { ConversationState, User } from '@parley/sdk';
import { ChatActionEvent } from '../events.js';
import { defaultStrings, format } from '../strings.js';
import type { ChatStrings } from '../strings.js';
import { baseStyles } from '../styles/shared.styles.js';
import { define } from '../utils/define.js';
import { displayName } from '../utils/names.js';
import '../chat-composer/chat-composer.js';
import type { ChatComposer } from '../chat-composer/chat-composer.js';
import '../chat-message-list/chat-message-list.js';
import { styles } from './chat-conversation-view.styles.js';

/**
 * One open conversation: its messages, the other participant's typing indicator and the composer.
 *
 * @csspart message-list - The scrolling log of messages.
 * @csspart message - One message bubble.
 * @csspart typing-indicator - "… is typing", shown while the other participant types.
 * @csspart composer-input - The text field.
 * @csspart send-button - The send button.
 * @fires chat-action - Internal: what its message list and composer ask for.
 */
export class ChatConversationView extends LitElement {
  static override styles = [baseStyles, styles];

  @property({ attribute: false }) conversation: ConversationState | null = null;
  @property({ attribute: false }) other: User | null = null;
  @property({ attribute: false }) meId: string | null = null;
  @property({ attribute: false }) strings: ChatStrings = defaultStrings;
  @property() locale: string | undefined;
  @property() disabledReason = '';
  @property({ type: Boolean }) loadingEarlier = false;

  @query('chat-composer') private composer!: ChatComposer;

  /** Moves keyboard focus to the composer. */
  override focus(): void {
    void this.updateComplete.then(() => this.composer?.focus());
  }

  // Actions of the children do not cross this shadow root on their own; pass them on.
  private forward(event: ChatActionEvent): void {
    event.stopPropagation();
    this.dispatchEvent(new ChatActionEvent(event.detail));
  }

  override render() {
    const state = this.conversation;
    if (!state) return nothing;
    const s = this.strings;
    const name = displayName(this.other ?? state.conversation.otherUser, s.unknownUser);
    return html`<div class="body" @chat-action=${this.forward}>
        <chat-message-list
          exportparts="message-list, message, message-mine, message-theirs"
          .messages=${state.messages}
          .meId=${this.meId}
          .strings=${s}
          .locale=${this.locale}
          .label=${format(s.messagesWith, { name })}
          .otherName=${name}
          .otherLastReadSeq=${state.conversation.otherLastReadSeq}
          .hasMoreBefore=${state.hasMoreBefore}
          .loadingEarlier=${this.loadingEarlier}
        ></chat-message-list>
        ${
          state.otherTyping
            ? html`<div part="typing-indicator" class="typing">
                <span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>
                <span>${format(s.typing, { name })}</span>
              </div>`
            : nothing
        }
      </div>
      <chat-composer
        exportparts="composer-input, send-button"
        .strings=${s}
        .disabledReason=${this.disabledReason}
        @chat-action=${this.forward}
      ></chat-composer>`;
  }
}

define('chat-conversation-view', ChatConversationView);

declare global {
  interface HTMLElementTagNameMap {
    'chat-conversation-view': ChatConversationView;
  }
}
