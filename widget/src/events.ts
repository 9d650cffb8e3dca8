/**
 * The DOM events of `<chat-widget>`. Each is a small class so that listeners get typed details;
 * all bubble and are composed, so a host page can listen on the element or above it.
 */
import type { ChatError, ConnectionStatus, Message, User } from '@parley/sdk';

const init = { bubbles: true, composed: true } as const;

/** Fired once the widget is connected and has loaded its conversations. */
export class ChatReadyEvent extends CustomEvent<{ me: User | null }> {
  constructor(me: User | null) {
    super('chat-ready', { ...init, detail: { me } });
  }
}

/** Fired for every stored message, sent or received; `incoming` is true for the other side's. */
export class ChatMessageEvent extends CustomEvent<{ message: Message; incoming: boolean }> {
  constructor(message: Message, incoming: boolean) {
    super('chat-message', { ...init, detail: { message, incoming } });
  }
}

/** Fired when the total of unread messages changes. */
export class ChatUnreadChangeEvent extends CustomEvent<{ total: number }> {
  constructor(total: number) {
    super('chat-unread-change', { ...init, detail: { total } });
  }
}

/** Fired for every failure the widget shows: connection, authentication, a refused send. */
export class ChatErrorEvent extends CustomEvent<{ error: ChatError }> {
  constructor(error: ChatError) {
    super('chat-error', { ...init, detail: { error } });
  }
}

/** Fired when the connection status changes (`connected`, `reconnecting`, `offline`, …). */
export class ChatStatusEvent extends CustomEvent<{ status: ConnectionStatus }> {
  constructor(status: ConnectionStatus) {
    super('chat-status', { ...init, detail: { status } });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-ready': ChatReadyEvent;
    'chat-message': ChatMessageEvent;
    'chat-unread-change': ChatUnreadChangeEvent;
    'chat-error': ChatErrorEvent;
    'chat-status': ChatStatusEvent;
  }
}

/** Where a `chat-navigate` event asks the widget to go. */
export type ChatRoute =
  | { view: 'list' }
  | { view: 'contacts' }
  | { view: 'conversation'; conversationId: string }
  | { view: 'user'; userId: string };

/**
 * Internal: a part of the widget asks `<chat-widget>` to show another view. It bubbles inside the
 * widget's shadow root only (not composed), so the host page never sees it.
 */
export class ChatNavigateEvent extends CustomEvent<ChatRoute> {
  constructor(route: ChatRoute) {
    super('chat-navigate', { bubbles: true, composed: false, detail: route });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-navigate': ChatNavigateEvent;
  }
}

/** What a `chat-action` event asks the widget to do. */
export type ChatAction =
  | { action: 'send'; content: string }
  | { action: 'typing'; isTyping: boolean }
  | { action: 'retry'; clientMessageId: string }
  | { action: 'discard'; clientMessageId: string }
  | { action: 'load-earlier' }
  | { action: 'load-more' }
  | { action: 'read' };

/** Internal, like `chat-navigate`: a part of the widget asks for an action. Not composed. */
export class ChatActionEvent extends CustomEvent<ChatAction> {
  constructor(action: ChatAction) {
    super('chat-action', { bubbles: true, composed: false, detail: action });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-action': ChatActionEvent;
  }
}
