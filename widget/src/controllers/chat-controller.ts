import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ChatClient, ChatError } from '@parley/sdk';
import type { ChatClientOptions, ChatState, Conversation, User } from '@parley/sdk';
import {
  ChatErrorEvent,
  ChatMessageEvent,
  ChatReadyEvent,
  ChatStatusEvent,
  ChatUnreadChangeEvent,
} from '../events.js';

type Host = ReactiveControllerHost & EventTarget;

/** The part of `ChatClient` the widget uses; a host app may hand in its own client. */
export type ChatClientLike = Pick<
  ChatClient,
  | 'connect'
  | 'disconnect'
  | 'on'
  | 'subscribe'
  | 'getState'
  | 'getConversations'
  | 'loadMoreConversations'
  | 'openConversation'
  | 'loadConversation'
  | 'loadEarlier'
  | 'sendMessage'
  | 'retryMessage'
  | 'discardMessage'
  | 'setTyping'
  | 'markAsRead'
  | 'searchContacts'
>;

function toChatError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  if (error && typeof error === 'object' && 'code' in error) return error as ChatError;
  return new ChatError('internal', error instanceof Error ? error.message : String(error));
}

/**
 * Wraps a `ChatClient` for a Lit host: subscribes to its state in `hostConnected`, unsubscribes in
 * `hostDisconnected`, asks the host to update on every change and turns client happenings into
 * the widget's DOM events. Every action catches its failure, shows it (`error`) and fires
 * `chat-error`, so that nothing here ever throws into the host page.
 *
 * @example
 * class MyChat extends LitElement {
 *   chat = new ChatController(this);
 *   connectedCallback() { super.connectedCallback(); this.chat.use({ url, token }); }
 *   render() { return html`${this.chat.state?.unreadTotal}`; }
 * }
 */
export class ChatController implements ReactiveController {
  /** The latest client state; `null` before a client is set. */
  state: ChatState | null = null;
  /** The latest failure to show, until dismissed. */
  error: ChatError | null = null;
  /** True once connected and the first page of conversations is in. */
  ready = false;

  private client: ChatClientLike | null = null;
  private owned = false;
  private attached = false;
  private offs: Array<() => void> = [];
  private unread = -1;

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  /**
   * Switches to a client built from `options` (owned: connected and closed here) or a given one.
   * Options that no client can be built from (a `url` that is not an absolute http(s) URL) leave
   * no client, and the failure shows.
   */
  use(source: ChatClientLike | ChatClientOptions | null): void {
    this.detach();
    if (this.owned) this.client?.disconnect();
    this.owned = !!source && !('subscribe' in source);
    this.state = null;
    this.error = null;
    this.ready = false;
    try {
      this.client =
        source && 'subscribe' in source ? source : source ? new ChatClient(source) : null;
    } catch (error) {
      this.client = null;
      this.fail(error);
    }
    if (this.attached) this.attach();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.attached = true;
    this.attach();
  }

  hostDisconnected(): void {
    this.attached = false;
    this.detach();
    // An owned client lives as long as the element is in the page; a shared one is the app's.
    if (this.owned) this.client?.disconnect();
  }

  private attach(): void {
    const client = this.client;
    if (!client || this.offs.length) return;
    this.offs = [
      client.subscribe((state) => this.onState(state)),
      client.on('message', (message) => {
        const me = this.state?.me?.id;
        this.host.dispatchEvent(new ChatMessageEvent(message, message.senderId !== me));
      }),
      client.on('status', (status) => this.host.dispatchEvent(new ChatStatusEvent(status))),
      client.on('error', (error) => this.fail(error)),
    ];
    this.onState(client.getState());
    // A shared client that the app already connected only needs its conversations loaded.
    void this.start(client, this.owned || client.getState().status === 'idle');
  }

  private detach(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private async start(client: ChatClientLike, connect: boolean): Promise<void> {
    try {
      if (connect) await client.connect();
      await client.getConversations();
      if (client !== this.client) return;
      this.ready = true;
      this.host.dispatchEvent(new ChatReadyEvent(client.getState().me));
      this.host.requestUpdate();
    } catch (error) {
      if (client === this.client) this.fail(error);
    }
  }

  private onState(state: ChatState): void {
    this.state = state;
    if (state.unreadTotal !== this.unread) {
      const first = this.unread < 0;
      this.unread = state.unreadTotal;
      if (!first || state.unreadTotal > 0) {
        this.host.dispatchEvent(new ChatUnreadChangeEvent(state.unreadTotal));
      }
    }
    this.host.requestUpdate();
  }

  /** Fires `chat-error` and, unless the failure shows elsewhere (a failed bubble), shows it. */
  fail(error: unknown, show = true): void {
    const chatError = toChatError(error);
    if (show) this.error = chatError;
    this.host.dispatchEvent(new ChatErrorEvent(chatError));
    this.host.requestUpdate();
  }

  dismissError(): void {
    this.error = null;
    this.host.requestUpdate();
  }

  private async run<T>(
    action: (client: ChatClientLike) => Promise<T>,
    show = true,
  ): Promise<T | undefined> {
    if (!this.client) return undefined;
    try {
      return await action(this.client);
    } catch (error) {
      this.fail(error, show);
      return undefined;
    }
  }

  openConversation(userId: string): Promise<Conversation | undefined> {
    return this.run(async (c) => {
      const conversation = await c.openConversation(userId);
      await c.loadConversation(conversation.id);
      return conversation;
    });
  }

  loadConversation(conversationId: string): Promise<unknown> {
    return this.run((c) => c.loadConversation(conversationId));
  }

  loadMoreConversations(): Promise<boolean | undefined> {
    return this.run((c) => c.loadMoreConversations());
  }

  loadEarlier(conversationId: string): Promise<boolean | undefined> {
    return this.run((c) => c.loadEarlier(conversationId));
  }

  send(conversationId: string, content: string): Promise<unknown> {
    // A refused message shows as a failed bubble with "Retry": no banner on top of it.
    return this.run((c) => c.sendMessage(conversationId, content), false);
  }

  retry(conversationId: string, clientMessageId: string): Promise<unknown> {
    return this.run((c) => c.retryMessage(conversationId, clientMessageId), false);
  }

  discard(conversationId: string, clientMessageId: string): void {
    this.client?.discardMessage(conversationId, clientMessageId);
  }

  setTyping(conversationId: string, isTyping: boolean): void {
    try {
      this.client?.setTyping(conversationId, isTyping);
    } catch {
      // Typing is a hint: losing one is harmless.
    }
  }

  markAsRead(conversationId: string): Promise<unknown> {
    return this.run((c) => c.markAsRead(conversationId));
  }

  searchContacts(query: string): Promise<User[]> {
    return this.run((c) => c.searchContacts(query, 20)).then((users) => users ?? []);
  }
}
