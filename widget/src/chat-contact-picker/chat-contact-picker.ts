import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { User } from '@parley/sdk';
import { ChatNavigateEvent } from '../events.js';
import { defaultStrings } from '../strings.js';
import type { ChatStrings } from '../strings.js';
import { baseStyles } from '../styles/shared.styles.js';
import { avatar, avatarStyles } from '../templates/avatar.js';
import { define } from '../utils/define.js';
import { displayName } from '../utils/names.js';
import { styles } from './chat-contact-picker.styles.js';

/** Searches contacts; resolves with the users whose name starts with `query`. */
export type ContactSearch = (query: string) => Promise<User[]>;

/**
 * Starts a conversation: a name search over the people the signed-in user may write to.
 *
 * @csspart presence - A presence dot.
 * @fires chat-navigate - Internal: a person was chosen.
 */
export class ChatContactPicker extends LitElement {
  static override styles = [baseStyles, avatarStyles, styles];

  @property({ attribute: false }) strings: ChatStrings = defaultStrings;
  @property({ attribute: false }) search: ContactSearch = async () => [];

  @state() private results: User[] | null = null;

  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.run('');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private async run(query: string): Promise<void> {
    const seq = ++this.seq;
    const users = await this.search(query.trim());
    // Answers can come back out of order; only the latest query's answer counts.
    if (seq === this.seq) this.results = users;
  }

  private onInput(event: Event): void {
    const query = (event.target as HTMLInputElement).value;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(query), 200);
  }

  private choose(user: User): void {
    this.dispatchEvent(new ChatNavigateEvent({ view: 'user', userId: user.id }));
  }

  override render() {
    const s = this.strings;
    const results = this.results;
    return html`<div class="search">
        <input
          type="search"
          aria-label=${s.searchLabel}
          placeholder=${s.searchPlaceholder}
          autocomplete="off"
          maxlength="100"
          @input=${this.onInput}
        />
      </div>
      ${results && !results.length ? html`<p class="empty" role="status">${s.noContacts}</p>` : nothing}
      ${
        results?.length
          ? html`<ul aria-label=${s.newConversation}>
              ${results.map((user) => {
                const name = displayName(user, s.unknownUser);
                return html`<li>
                  <button class="item" data-user-id=${user.id} @click=${() => this.choose(user)}>
                    ${avatar(name, user.avatarUrl, user.online, user.online ? s.online : s.away)}
                    <span class="name">${name}</span>
                  </button>
                </li>`;
              })}
            </ul>`
          : nothing
      }`;
  }
}

define('chat-contact-picker', ChatContactPicker);

declare global {
  interface HTMLElementTagNameMap {
    'chat-contact-picker': ChatContactPicker;
  }
}
