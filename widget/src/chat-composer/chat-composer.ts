import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { LIMITS } from '@parley/sdk';
import { ChatActionEvent } from '../events.js';
import { defaultStrings } from '../strings.js';
import type { ChatStrings } from '../strings.js';
import { sendIcon } from '../styles/icons.js';
import { baseStyles } from '../styles/shared.styles.js';
import { define } from '../utils/define.js';
import { styles } from './chat-composer.styles.js';

const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;

/**
 * The message composer: Enter sends, Shift+Enter starts a new line, and the field grows with its
 * text up to a limit. While `disabledReason` is set the field is disabled and the reason shown.
 *
 * @csspart composer-input - The text field.
 * @csspart send-button - The send button.
 * @fires chat-action - Internal: `send` and `typing`.
 */
export class ChatComposer extends LitElement {
  static override styles = [baseStyles, styles];

  @property({ attribute: false }) strings: ChatStrings = defaultStrings;
  /** Why writing is not possible now (offline); empty when it is. */
  @property() disabledReason = '';

  @state() private empty = true;
  @query('textarea') private input!: HTMLTextAreaElement;

  private typingSentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTyping();
  }

  /** Moves keyboard focus to the text field. */
  override focus(): void {
    void this.updateComplete.then(() => this.input?.focus());
  }

  private emit(detail: ConstructorParameters<typeof ChatActionEvent>[0]): void {
    this.dispatchEvent(new ChatActionEvent(detail));
  }

  private stopTyping(): void {
    clearTimeout(this.idleTimer);
    if (this.typingSentAt) {
      this.typingSentAt = 0;
      this.emit({ action: 'typing', isTyping: false });
    }
  }

  private grow(): void {
    const input = this.input;
    input.style.height = 'auto';
    input.style.height = `${input.scrollHeight + 2}px`;
  }

  private onInput(): void {
    this.empty = !this.input.value.trim();
    this.grow();
    if (this.empty) return this.stopTyping();
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_REFRESH_MS) {
      this.typingSentAt = now;
      this.emit({ action: 'typing', isTyping: true });
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.submit();
    }
  }

  private submit(event?: Event): void {
    event?.preventDefault();
    const content = this.input.value;
    if (!content.trim() || this.disabledReason) return;
    this.stopTyping();
    this.emit({ action: 'send', content });
    this.input.value = '';
    this.empty = true;
    this.grow();
    this.input.focus();
  }

  override render() {
    const s = this.strings;
    const reason = this.disabledReason;
    return html`${reason ? html`<p class="reason" id="reason">${reason}</p>` : nothing}
      <form @submit=${this.submit}>
        <textarea
          part="composer-input"
          rows="1"
          aria-label=${s.composerLabel}
          aria-describedby=${reason ? 'reason' : nothing}
          placeholder=${s.composerPlaceholder}
          maxlength=${LIMITS.maxContentLength}
          enterkeyhint="send"
          ?disabled=${!!reason}
          @input=${this.onInput}
          @keydown=${this.onKeydown}
          @blur=${this.stopTyping}
        ></textarea>
        <button
          part="send-button"
          class="icon-button send"
          type="submit"
          aria-label=${s.send}
          title=${s.send}
          ?disabled=${!!reason || this.empty}
        >
          ${sendIcon}
        </button>
      </form>`;
  }
}

define('chat-composer', ChatComposer);

declare global {
  interface HTMLElementTagNameMap {
    'chat-composer': ChatComposer;
  }
}
