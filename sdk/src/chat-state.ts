/**
 * Pure reducers over `ChatState`. Each returns a new snapshot that shares every untouched part
 * with the old one, so a UI can compare by identity; nothing published is ever mutated.
 */
import { markRead, mergeStored, storedPart, withPending } from './message-window.js';
import type { Conversation, Message, MessageReadEvent, User } from './protocol.js';
import type { ChatState, ClientMessage, ConversationState } from './types.js';

export function initialState(): ChatState {
  return {
    status: 'idle',
    me: null,
    conversations: [],
    byId: {},
    users: {},
    unreadTotal: 0,
    unreadByConversation: {},
    hasMoreConversations: false,
  };
}

function activity(c: Conversation): string {
  return c.lastMessageAt ?? c.updatedAt ?? c.createdAt;
}

function sortByActivity(list: Conversation[]): Conversation[] {
  return list.sort((a, b) => (activity(a) < activity(b) ? 1 : activity(a) > activity(b) ? -1 : 0));
}

function later(a: Message | null, b: Message | null): Message | null {
  if (!a) return b;
  if (!b) return a;
  return b.seq >= a.seq ? b : a;
}

/** Combines what we had with a newer copy: cursors and seq only move forward. */
function mergeConversation(
  old: Conversation | undefined,
  next: Conversation,
  unread: number | undefined,
): Conversation {
  const lastMessage = later(old?.lastMessage ?? null, next.lastMessage);
  return {
    ...next,
    lastMessage,
    lastMessageAt: lastMessage?.createdAt ?? next.lastMessageAt ?? old?.lastMessageAt ?? null,
    lastSeq: Math.max(old?.lastSeq ?? 0, next.lastSeq ?? 0, lastMessage?.seq ?? 0),
    lastReadSeq: Math.max(old?.lastReadSeq ?? 0, next.lastReadSeq),
    otherLastReadSeq: Math.max(old?.otherLastReadSeq ?? 0, next.otherLastReadSeq),
    unreadCount: unread ?? next.unreadCount,
  };
}

/** A conversation as the state knows it: its loaded window's copy, or the list's. */
export function findConversation(s: ChatState, id: string): Conversation | undefined {
  return s.byId[id]?.conversation ?? s.conversations.find((c) => c.id === id);
}

/** Writes one conversation everywhere it appears (list, loaded window). */
function putConversation(s: ChatState, conv: Conversation, addToList: boolean): ChatState {
  const index = s.conversations.findIndex((c) => c.id === conv.id);
  let conversations = s.conversations;
  if (index >= 0 || addToList) {
    conversations = index >= 0 ? s.conversations.slice() : [...s.conversations, conv];
    if (index >= 0) conversations[index] = conv;
    conversations = sortByActivity(conversations);
  }
  const loaded = s.byId[conv.id];
  const byId = loaded ? { ...s.byId, [conv.id]: { ...loaded, conversation: conv } } : s.byId;
  const known = s.users[conv.otherUser.id];
  const users =
    known === conv.otherUser ? s.users : { ...s.users, [conv.otherUser.id]: conv.otherUser };
  return { ...s, conversations, byId, users };
}

/** Adds or refreshes a conversation from the server; its unread count stays the client's own. */
export function upsertConversation(s: ChatState, next: Conversation, addToList = true): ChatState {
  const old = findConversation(s, next.id);
  const unread = s.unreadByConversation[next.id];
  return putConversation(s, mergeConversation(old, next, unread), addToList);
}

export function setUnread(s: ChatState, id: string, count: number): ChatState {
  if (s.unreadByConversation[id] === count && findConversation(s, id)?.unreadCount === count) {
    return s;
  }
  const unreadByConversation = { ...s.unreadByConversation, [id]: Math.max(0, count) };
  const unreadTotal = Object.values(unreadByConversation).reduce((a, b) => a + b, 0);
  const conv = findConversation(s, id);
  const next = { ...s, unreadByConversation, unreadTotal };
  return conv ? putConversation(next, { ...conv, unreadCount: count }, false) : next;
}

/** Opens a window on a conversation (replacing any previous one). */
export function setWindow(
  s: ChatState,
  conv: Conversation,
  messages: Message[],
  hasMoreBefore: boolean,
  pending: readonly ClientMessage[],
): ChatState {
  const withConv = upsertConversation(s, conv);
  const conversation = findConversation(withConv, conv.id) as Conversation;
  const state: ConversationState = {
    conversation,
    messages: withPending(mergeStored([], messages), pending),
    hasMoreBefore,
    otherTyping: s.byId[conv.id]?.otherTyping ?? false,
  };
  return { ...withConv, byId: { ...withConv.byId, [conv.id]: state } };
}

/** Merges stored messages into a loaded window and moves the conversation's last message. */
export function addStored(
  s: ChatState,
  id: string,
  messages: readonly Message[],
  pending: readonly ClientMessage[],
  hasMoreBefore?: boolean,
): ChatState {
  if (messages.length === 0) return s;
  let next = s;
  const loaded = s.byId[id];
  if (loaded) {
    const merged = mergeStored(loaded.messages, messages);
    const window = withPending(merged, pending);
    next = {
      ...s,
      byId: {
        ...s.byId,
        [id]: { ...loaded, messages: window, hasMoreBefore: hasMoreBefore ?? loaded.hasMoreBefore },
      },
    };
  }
  const conv = findConversation(next, id);
  const newest = messages.reduce((a, b) => (b.seq > a.seq ? b : a));
  if (conv && newest.seq > (conv.lastMessage?.seq ?? 0)) {
    next = putConversation(
      next,
      {
        ...conv,
        lastMessage: newest,
        lastMessageAt: newest.createdAt,
        lastSeq: Math.max(conv.lastSeq ?? 0, newest.seq),
      },
      false,
    );
  }
  return next;
}

/** Rebuilds the optimistic tail of one loaded window; the same state when nothing changed. */
export function setPending(s: ChatState, id: string, pending: readonly ClientMessage[]): ChatState {
  const loaded = s.byId[id];
  if (!loaded) return s;
  const stored = storedPart(loaded.messages);
  const current = loaded.messages.slice(stored.length);
  const messages = withPending(stored, pending);
  const tail = messages.slice(stored.length);
  const same =
    tail.length === current.length &&
    tail.every((m, i) => m.id === current[i]?.id && m.status === current[i]?.status);
  if (same) return s;
  return { ...s, byId: { ...s.byId, [id]: { ...loaded, messages } } };
}

export function setTyping(s: ChatState, id: string, isTyping: boolean): ChatState {
  const loaded = s.byId[id];
  if (!loaded || loaded.otherTyping === isTyping) return s;
  return { ...s, byId: { ...s.byId, [id]: { ...loaded, otherTyping: isTyping } } };
}

export function setPresence(s: ChatState, user: User): ChatState {
  let next: ChatState = { ...s, users: { ...s.users, [user.id]: user } };
  for (const conv of s.conversations.concat(Object.values(s.byId).map((c) => c.conversation))) {
    if (conv.otherUser.id === user.id) {
      const current = findConversation(next, conv.id) as Conversation;
      next = putConversation(next, { ...current, otherUser: user }, false);
    }
  }
  return next;
}

/** Applies a read cursor: the other's (receipts on my messages) or mine (from another tab). */
export function applyRead(s: ChatState, event: MessageReadEvent, meId: string): ChatState {
  const conv = findConversation(s, event.conversationId);
  if (!conv) return s;
  const mine = event.readerId === meId;
  const updated: Conversation = mine
    ? { ...conv, lastReadSeq: Math.max(conv.lastReadSeq, event.seq) }
    : { ...conv, otherLastReadSeq: Math.max(conv.otherLastReadSeq, event.seq) };
  let next = putConversation(s, updated, false);
  const loaded = next.byId[conv.id];
  if (loaded) {
    const senderId = mine ? conv.otherUser.id : meId;
    const messages = markRead(loaded.messages, senderId, event.seq, event.readAt);
    if (messages !== loaded.messages) {
      next = { ...next, byId: { ...next.byId, [conv.id]: { ...loaded, messages } } };
    }
  }
  return next;
}
