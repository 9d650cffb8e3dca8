import { LitElement, html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { ChatClientOptions, Conversation, TokenProvider, User } from '@parley/sdk';
import { ChatController } from '../controllers/chat-controller.js';
import type { ChatClientLike } from '../controllers/chat-controller.js';
import type { ChatActionEvent, ChatNavigateEvent, ChatRoute } from '../events.js';
import { defaultStrings } from '../strings.js';
import type { ChatStrings } from '../strings.js';
import { baseStyles } from '../styles/shared.styles.js';
import { avatarStyles } from '../templates/avatar.js';
import { define } from '../utils/define.js';
import { warmTimeFormats } from '../utils/time.js';
import '../chat-contact-picker/chat-contact-picker.js';
import '../chat-conversation-list/chat-conversation-list.js';
import '../chat-conversation-view/chat-conversation-view.js';
import { renderBanner, renderHeader, renderLauncher } from './chat-widget.parts.js';
import { styles } from './chat-widget.styles.js';

type View =
  { view: 'list' } | { view: 'contacts' } | { view: 'conversation'; conversationId: string };

/** The `strings` attribute: a JSON object; anything else keeps the defaults and says why. */
function parseStrings(value: string | null): Partial<ChatStrings> {
  try {
    const parsed: unknown = JSON.parse(value ?? '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // Reported below, as is valid JSON of another shape.
  }
  console.warn(`<chat-widget>: strings is not a JSON object, so the defaults show: ${value}`);
  return {};
}

/**
 * A complete one-to-one chat in one element: a floating launcher with an unread badge (or an
 * inline panel), the conversation list, conversations and starting new ones from contacts.
 * It talks to any backend of the Parley contract through `@parley/sdk`.
 *
 * @example
 * <script src="https://chat.example.com/widget/chat-widget.js" defer></script>
 * <chat-widget server-url="https://chat.example.com" token="eyJ…"></chat-widget>
 *
 * @csspart launcher - The floating button that opens and closes the panel.
 * @csspart unread-badge - The unread count on the launcher.
 * @csspart panel - The chat panel (floating or inline).
 * @csspart header - The panel's header bar.
 * @csspart banner - The reconnecting / offline / error banner.
 * @csspart conversation-list - The list of conversations.
 * @csspart conversation - One conversation in the list.
 * @csspart presence - A presence dot.
 * @csspart message-list - The scrolling log of messages.
 * @csspart message - One message bubble; also `message-mine` or `message-theirs`.
 * @csspart typing-indicator - "… is typing".
 * @csspart composer-input - The message text field.
 * @csspart send-button - The send button.
 *
 * @cssproperty --chat-accent - Accent color: launcher, own bubbles, buttons.
 * @cssproperty --chat-accent-text - Text on the accent color.
 * @cssproperty --chat-background - Panel background.
 * @cssproperty --chat-surface - Header, composer and popover background.
 * @cssproperty --chat-text - Main text color.
 * @cssproperty --chat-muted - Secondary text color.
 * @cssproperty --chat-border - Border color.
 * @cssproperty --chat-hover - Hover background of list items and icon buttons.
 * @cssproperty --chat-bubble-mine-background - Background of the user's own bubbles.
 * @cssproperty --chat-bubble-mine-text - Text of the user's own bubbles.
 * @cssproperty --chat-bubble-theirs-background - Background of the other side's bubbles.
 * @cssproperty --chat-bubble-theirs-text - Text of the other side's bubbles.
 * @cssproperty --chat-avatar-background - Background behind initials.
 * @cssproperty --chat-avatar-text - Initials color.
 * @cssproperty --chat-online - Presence dot when online.
 * @cssproperty --chat-danger - Errors and the unread badge.
 * @cssproperty --chat-focus-ring - Focus outline color.
 * @cssproperty --chat-banner-background - Reconnecting banner background.
 * @cssproperty --chat-banner-text - Reconnecting banner text.
 * @cssproperty --chat-shadow - Shadow of the floating panel and launcher.
 * @cssproperty --chat-font-family - Font family.
 * @cssproperty --chat-font-size - Base font size (default 14px).
 * @cssproperty --chat-radius - Bubble corner radius.
 * @cssproperty --chat-panel-radius - Panel corner radius.
 * @cssproperty --chat-width - Floating panel width (default 380px).
 * @cssproperty --chat-height - Panel height (default 600px floating, 560px inline).
 * @cssproperty --chat-offset - Distance of the launcher from the viewport edges.
 * @cssproperty --chat-launcher-size - Launcher diameter (default 56px).
 * @cssproperty --chat-z-index - Stacking order of the floating launcher and panel.
 *
 * @fires chat-ready - Connected, conversations loaded. `detail: { me }`.
 * @fires chat-message - A message was stored, sent or received. `detail: { message, incoming }`.
 * @fires chat-unread-change - The unread total changed. `detail: { total }`.
 * @fires chat-error - A failure, also shown in the widget. `detail: { error }` (a `ChatError`).
 * @fires chat-status - The connection status changed. `detail: { status }`.
 */
export class ChatWidget extends LitElement {
  static override styles = [baseStyles, avatarStyles, styles];

  /** Base URL of the chat backend. */
  @property({ attribute: 'server-url', reflect: true }) serverUrl = '';
  /** A JWT for the signed-in user. Prefer `tokenProvider` when tokens expire. */
  @property() token = '';
  /** Returns a fresh JWT; called at connect and whenever the current one expires. */
  @property({ attribute: false }) tokenProvider: TokenProvider | undefined;
  /** An existing `ChatClient` to use instead of one built from `server-url` and `token`. */
  @property({ attribute: false }) client: ChatClientLike | undefined;
  /** Extra `ChatClient` options (storage, page size…) for the client the widget builds. */
  @property({ attribute: false }) clientOptions: Partial<ChatClientOptions> = {};
  /** A user id: opens (or starts) the conversation with that user. */
  @property({ attribute: 'conversation-with', reflect: true }) conversationWith = '';
  /** `floating`: a launcher and a popup panel (default); `inline`: a panel in the page flow. */
  @property({ reflect: true }) mode: 'floating' | 'inline' = 'floating';
  /** `light`, `dark`, or `auto` (default: follows `prefers-color-scheme`). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';
  /** Whether the floating panel is open. */
  @property({ type: Boolean, reflect: true }) open = false;
  /** Overrides of any visible string (also settable as a JSON attribute). */
  @property({ converter: { fromAttribute: parseStrings } }) strings: Partial<ChatStrings> = {};
  /** Locale for dates and times; defaults to the page's. */
  @property() locale: string | undefined;

  /** The chat state and actions; for advanced integrations. */
  readonly chat = new ChatController(this);

  @state() private route: View = { view: 'list' };
  @state() private loadingEarlier = false;
  @state() private moreConversations = true;

  private reading = new Set<string>();
  private opening = '';
  private warmed = false;
  private focusNext: 'composer' | 'header' | 'launcher' | null = null;

  private get s(): ChatStrings {
    return { ...defaultStrings, ...this.strings };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('online', this.onNetwork);
    window.addEventListener('offline', this.onNetwork);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('online', this.onNetwork);
    window.removeEventListener('offline', this.onNetwork);
  }

  private onVisibility = () => this.markReadIfSeen();
  private onNetwork = () => this.requestUpdate();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (
      changed.has('serverUrl') ||
      changed.has('token') ||
      changed.has('tokenProvider') ||
      changed.has('client')
    ) {
      this.configure();
    }
    if (changed.has('conversationWith') && this.conversationWith) void this.openWith();
  }

  private configure(): void {
    const { serverUrl: url, token, tokenProvider } = this;
    if (this.client) this.chat.use(this.client);
    else if (url && (token || tokenProvider)) {
      this.chat.use({ ...this.clientOptions, url, token: token || undefined, tokenProvider });
    } else this.chat.use(null);
  }

  private async openWith(): Promise<void> {
    const userId = this.conversationWith;
    if (this.opening === userId) return;
    this.opening = userId;
    const conversation = await this.chat.openConversation(userId);
    this.opening = '';
    if (conversation && userId === this.conversationWith) this.show(conversation);
  }

  private show(conversation: Conversation): void {
    this.route = { view: 'conversation', conversationId: conversation.id };
    this.focusNext = 'composer';
  }

  /** Opens the conversation with a user (creating it if needed) and shows the panel. */
  async openConversationWith(userId: string): Promise<void> {
    this.open = true;
    const conversation = await this.chat.openConversation(userId);
    if (conversation) this.show(conversation);
  }

  private async navigate(route: ChatRoute): Promise<void> {
    if (route.view === 'user') return this.openConversationWith(route.userId);
    if (route.view === 'conversation') {
      // Always (re)load: live events may have started a window without its history. The request
      // goes out before the view renders: the route's update is queued behind it.
      const loading = this.chat.loadConversation(route.conversationId);
      this.route = route;
      this.focusNext = 'composer';
      await loading;
      return;
    }
    this.route = route;
    this.focusNext = 'header';
  }

  private onNavigate = (event: ChatNavigateEvent) => void this.navigate(event.detail);

  private onAction = async (event: ChatActionEvent) => {
    const route = this.route;
    const a = event.detail;
    if (a.action === 'load-more') {
      this.moreConversations = (await this.chat.loadMoreConversations()) ?? false;
      return;
    }
    if (route.view !== 'conversation') return;
    const id = route.conversationId;
    switch (a.action) {
      case 'send':
        return void this.chat.send(id, a.content);
      case 'typing':
        return this.chat.setTyping(id, a.isTyping);
      case 'retry':
        return void this.chat.retry(id, a.clientMessageId);
      case 'discard':
        return this.chat.discard(id, a.clientMessageId);
      case 'read':
        return this.markReadIfSeen();
      case 'load-earlier':
        if (this.loadingEarlier) return;
        this.loadingEarlier = true;
        await this.chat.loadEarlier(id);
        this.loadingEarlier = false;
    }
  };

  /** Marks the open conversation read while the reader can actually see it. */
  private markReadIfSeen(): void {
    const route = this.route;
    if (route.view !== 'conversation' || document.visibilityState === 'hidden') return;
    if (this.mode !== 'inline' && !this.open) return;
    const id = route.conversationId;
    const unread = this.chat.state?.byId[id]?.conversation.unreadCount ?? 0;
    if (!unread || this.reading.has(id)) return;
    this.reading.add(id);
    void this.chat.markAsRead(id).finally(() => {
      this.reading.delete(id);
    });
  }

  /** Opens or closes the floating panel. */
  toggle(): void {
    this.open = !this.open;
    this.focusNext = this.open
      ? this.route.view === 'conversation'
        ? 'composer'
        : 'header'
      : 'launcher';
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.mode !== 'inline' && this.open) {
      event.stopPropagation();
      this.toggle();
    }
  }

  protected override updated(): void {
    // The client knows who signed in once its token is read, and has then sent its first
    // requests: the list's times get Intl's locale data while they are in flight.
    if (!this.warmed && this.chat.state?.me) {
      this.warmed = true;
      warmTimeFormats(this.locale);
    }
    this.markReadIfSeen();
    const focus = this.focusNext;
    const root = this.renderRoot as ShadowRoot;
    const target =
      focus === 'composer'
        ? root.querySelector('chat-conversation-view')
        : focus === 'launcher'
          ? root.querySelector<HTMLElement>('.launcher')
          : focus === 'header'
            ? root.querySelector<HTMLElement>('header h2')
            : null;
    // The target may not exist yet (a conversation still loading): try again next update.
    if (!target) return;
    this.focusNext = null;
    target.focus();
  }

  private other(): User | null {
    const route = this.route;
    const state = this.chat.state;
    if (route.view !== 'conversation' || !state) return null;
    const other = state.byId[route.conversationId]?.conversation.otherUser;
    return other ? (state.users[other.id] ?? other) : null;
  }

  private renderView(s: ChatStrings) {
    const state = this.chat.state;
    const route = this.route;
    if (!state) return html`<p class="placeholder">${this.chat.error ? '' : s.connecting}</p>`;
    const meId = state.me?.id ?? null;
    if (route.view === 'contacts') {
      return html`<chat-contact-picker
        exportparts="presence"
        .strings=${s}
        .search=${(q: string) => this.chat.searchContacts(q)}
      ></chat-contact-picker>`;
    }
    if (route.view === 'conversation') {
      const convo = state.byId[route.conversationId];
      if (!convo) return html`<p class="placeholder" role="status">${s.connecting}</p>`;
      const other: User =
        state.users[convo.conversation.otherUser.id] ?? convo.conversation.otherUser;
      // While reconnecting, writing goes on: the SDK's outbox sends once the connection is back.
      // Without a network, or stopped for good, the composer says why it is disabled.
      const status = state.status;
      const reason =
        !navigator.onLine || status === 'offline' || status === 'error'
          ? s.offline
          : status === 'connected' || status === 'reconnecting'
            ? ''
            : s.connecting;
      return keyed(
        route.conversationId,
        html`<chat-conversation-view
          exportparts="message-list, message, message-mine, message-theirs, typing-indicator, composer-input, send-button"
          .conversation=${convo}
          .other=${other}
          .meId=${meId}
          .strings=${s}
          .locale=${this.locale}
          .disabledReason=${reason}
          .loadingEarlier=${this.loadingEarlier}
        ></chat-conversation-view>`,
      );
    }
    return html`<chat-conversation-list
      exportparts="conversation-list, conversation, presence"
      .conversations=${state.conversations}
      .users=${state.users}
      .meId=${meId}
      .strings=${s}
      .locale=${this.locale}
      .hasMore=${this.moreConversations && state.conversations.length >= 20}
    ></chat-conversation-list>`;
  }

  override render() {
    const s = this.s;
    const floating = this.mode !== 'inline';
    const unread = this.chat.state?.unreadTotal ?? 0;
    return html`<div class="root" @keydown=${this.onKeydown}>
      ${floating ? renderLauncher(this.open, unread, s, () => this.toggle()) : nothing}
      <section
        id="panel"
        part="panel"
        class="panel ${floating ? 'floating' : 'inline'}"
        role=${floating ? 'dialog' : 'region'}
        aria-label=${s.title}
        ?hidden=${floating && !this.open}
        @chat-navigate=${this.onNavigate}
        @chat-action=${this.onAction}
      >
        ${renderHeader({
          s,
          view: this.route.view,
          floating,
          other: this.other(),
          onBack: () => void this.navigate({ view: 'list' }),
          onNew: () => void this.navigate({ view: 'contacts' }),
          onClose: () => this.toggle(),
        })}
        ${renderBanner(this.chat, s)}
        <div class="view">${this.renderView(s)}</div>
      </section>
    </div>`;
  }
}

define('chat-widget', ChatWidget);

declare global {
  interface HTMLElementTagNameMap {
    'chat-widget': ChatWidget;
  }
}
