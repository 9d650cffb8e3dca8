/**
 * Every string the widget shows. Override any of them through the `strings` property of
 * `<chat-widget>`; `{name}`-style placeholders are filled in by {@link format}.
 *
 * @example
 * widget.strings = { title: 'Nachrichten', send: 'Senden' };
 */
export interface ChatStrings {
  title: string;
  openChat: string;
  closeChat: string;
  /** Accessible label of the launcher badge. `{count}` */
  unreadCount: string;
  back: string;
  newConversation: string;
  searchLabel: string;
  searchPlaceholder: string;
  noContacts: string;
  noConversations: string;
  loadMoreConversations: string;
  /** Accessible name of a conversation's message log. `{name}` */
  messagesWith: string;
  /** Announced for each incoming message. `{name}`, `{content}` */
  announceMessage: string;
  composerLabel: string;
  composerPlaceholder: string;
  send: string;
  connecting: string;
  reconnecting: string;
  offline: string;
  /** `{name}` */
  typing: string;
  online: string;
  away: string;
  you: string;
  unknownUser: string;
  pending: string;
  sent: string;
  read: string;
  failed: string;
  retry: string;
  discard: string;
  loadingEarlier: string;
  /** `{count}` */
  jumpToLatest: string;
  today: string;
  yesterday: string;
  now: string;
  emptyConversation: string;
  dismiss: string;
  errorAuth: string;
  errorConnect: string;
  errorGeneric: string;
}

export const defaultStrings: ChatStrings = {
  title: 'Messages',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unreadCount: '{count} unread',
  back: 'Back to conversations',
  newConversation: 'New conversation',
  searchLabel: 'Search people by name',
  searchPlaceholder: 'Search by name…',
  noContacts: 'No one found',
  noConversations: 'No conversations yet',
  loadMoreConversations: 'Show more',
  messagesWith: 'Messages with {name}',
  announceMessage: '{name}: {content}',
  composerLabel: 'Message',
  composerPlaceholder: 'Write a message…',
  send: 'Send',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'You are offline. You can write again once the connection is back.',
  typing: '{name} is typing…',
  online: 'Online',
  away: 'Offline',
  you: 'You',
  unknownUser: 'Unknown user',
  pending: 'Sending',
  sent: 'Sent',
  read: 'Read',
  failed: 'Not sent',
  retry: 'Retry',
  discard: 'Discard',
  loadingEarlier: 'Loading earlier messages…',
  jumpToLatest: 'Jump to latest ({count} new)',
  today: 'Today',
  yesterday: 'Yesterday',
  now: 'now',
  emptyConversation: 'No messages yet. Say hello!',
  dismiss: 'Dismiss',
  errorAuth: 'Your chat session is not valid. Please sign in again.',
  errorConnect: 'Could not reach the chat server.',
  errorGeneric: 'Something went wrong. Please try again.',
};

/** Fills `{key}` placeholders; unknown keys are left as they are. */
export function format(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) =>
    key in params ? String(params[key]) : all,
  );
}
