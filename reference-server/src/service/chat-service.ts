import type {
  Conversation,
  ConversationPageResponse,
  ListConversationsResponse,
  ReadResult,
  SendMessageAck,
  UnreadCountResponse,
  User,
} from '@parley/sdk/protocol';
import type { Identity } from '../auth/token-verifier.js';
import { ChatServerError } from '../errors.js';
import type { Logger } from '../logger.js';
import type {
  ChatStore,
  ConversationCursor,
  ConversationRecord,
  MessageRecord,
} from '../store/chat-store.js';
import { toConversation, toUser } from './dto.js';
import type { EventSink } from './event-sink.js';
import { Presence } from './presence.js';
import { RateLimits } from './rate-limits.js';
import type { RateLimitOptions } from './rate-limits.js';
import { TypingTracker } from './typing.js';

export interface ChatServiceOptions {
  /** Only connections (set by the admin API) may start conversations and send to each other. */
  requireConnections?: boolean;
  /** How long a user stays online after the last socket left. Default 2000 ms (at most 3000). */
  offlineGraceMs?: number;
  /** Silence after which the server ends a typing indicator. Default 6000 ms. */
  typingExpiryMs?: number;
  rateLimits?: RateLimitOptions;
}

export interface SendInput {
  conversationId?: string;
  toUserId?: string;
  content: string;
  clientMessageId: string;
}

const MAX_CONTENT = 4000;
const PROFILE_CACHE_SIZE = 50_000;
const PARTICIPANTS_CACHE_SIZE = 100_000;

function otherOf(conversation: ConversationRecord, me: string): string {
  return conversation.participant1Id === me
    ? conversation.participant2Id
    : conversation.participant1Id;
}

function encodeCursor(cursor: ConversationCursor): string {
  return Buffer.from(JSON.stringify([cursor.activityAt, cursor.id])).toString('base64url');
}

function decodeCursor(cursor: string): ConversationCursor {
  try {
    const [activityAt, id] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as unknown[];
    if (typeof activityAt === 'string' && typeof id === 'string') return { activityAt, id };
  } catch {
    // Falls through to the refusal below.
  }
  throw new ChatServerError('bad_request', 'cursor: not a cursor returned by this server');
}

/** The chat rules. Knows neither HTTP nor Socket.IO nor SQL. */
export class ChatService {
  readonly presence: Presence;
  readonly limits: RateLimits;
  private readonly typing: TypingTracker;
  private readonly requireConnections: boolean;
  /** The last claims written per user, so that a request whose claims did not change costs no write. */
  private readonly profiles = new Map<string, string>();
  private readonly participants = new Map<string, [string, string]>();

  constructor(
    private readonly store: ChatStore,
    private readonly sink: EventSink,
    logger: Logger,
    options: ChatServiceOptions = {},
  ) {
    this.requireConnections = options.requireConnections ?? false;
    this.presence = new Presence(
      store,
      sink,
      logger,
      Math.min(options.offlineGraceMs ?? 2000, 3000),
    );
    this.typing = new TypingTracker(sink, options.typingExpiryMs ?? 6000);
    this.limits = new RateLimits(options.rateLimits);
  }

  /** Upserts the caller's profile from the token's claims (a no-op when nothing changed). */
  async touch(identity: Identity): Promise<void> {
    const key = `${identity.name ?? '\u0000'}\u0001${identity.avatarUrl ?? '\u0000'}`;
    if (this.profiles.get(identity.userId) === key) return;
    await this.store.upsertUser({
      id: identity.userId,
      name: identity.name,
      avatarUrl: identity.avatarUrl,
    });
    if (this.profiles.size >= PROFILE_CACHE_SIZE) this.profiles.clear();
    this.profiles.set(identity.userId, key);
  }

  async listConversations(
    me: string,
    limit: number,
    cursor?: string,
  ): Promise<ListConversationsResponse> {
    const after = cursor ? decodeCursor(cursor) : null;
    const { views, next } = await this.store.listConversationViews(me, limit, after);
    return {
      conversations: views.map((v) =>
        toConversation(v, me, this.presence.isOnline(v.otherUser.id)),
      ),
      nextCursor: next ? encodeCursor(next) : null,
    };
  }

  async getConversation(me: string, conversationId: string): Promise<Conversation> {
    const view = await this.store.getConversationView(conversationId, me);
    if (!view) throw new ChatServerError('not_found', 'Conversation not found');
    return toConversation(view, me, this.presence.isOnline(view.otherUser.id));
  }

  async getConversationPage(
    me: string,
    conversationId: string,
    query: { limit: number; beforeSeq?: number; afterSeq?: number },
  ): Promise<ConversationPageResponse> {
    const conversation = await this.getConversation(me, conversationId);
    const page = await this.store.listMessages(conversationId, query);
    return { conversation, messages: page.messages, hasMore: page.hasMore };
  }

  async createConversation(
    me: string,
    otherId: string,
  ): Promise<{ conversation: Conversation; created: boolean }> {
    const record = await this.openWith(me, otherId);
    return {
      conversation: await this.getConversation(me, record.conversation.id),
      created: record.created,
    };
  }

  /**
   * Checks and stores a send, then tells both participants. Its last step is a promise chained
   * off the store's, not an `await`: a send waits for the writer for a few milliseconds, hundreds
   * of them at once under load, and a suspended `async` frame held a generator, its registers and
   * two resume closures for each one the whole time (docs/performance.md, "Retained per send").
   */
  async sendMessage(me: string, input: SendInput): Promise<SendMessageAck> {
    const { conversationId, otherId } = await this.sendTarget(me, input);
    return this.store
      .appendMessage({
        conversationId,
        senderId: me,
        content: input.content,
        clientMessageId: input.clientMessageId,
      })
      .then(({ message, duplicate }) => {
        if (duplicate) return { message, duplicate };
        this.typing.sent(me, conversationId);
        this.sink.emit([me, otherId], 'message', message);
        return { message };
      });
  }

  /** The conversation a send goes to and the other participant, once every check has passed. */
  private async sendTarget(
    me: string,
    input: SendInput,
  ): Promise<{ conversationId: string; otherId: string }> {
    await this.limits.consume('messages', me);
    if (input.content.trim().length === 0) {
      throw new ChatServerError('bad_request', 'content: must not be empty or whitespace only');
    }
    // Characters are code points, at most as many as UTF-16 units: they are counted (which copies
    // the string into an array) only when the units alone are over.
    if (input.content.length > MAX_CONTENT) {
      const length = [...input.content].length;
      if (length > MAX_CONTENT) {
        throw new ChatServerError(
          'payload_too_large',
          `content: ${length} characters, at most ${MAX_CONTENT}`,
        );
      }
    }
    let conversationId: string;
    let otherId: string;
    if (input.conversationId !== undefined) {
      conversationId = input.conversationId;
      otherId = await this.otherParticipant(conversationId, me);
      await this.checkPolicy(me, otherId);
    } else {
      const opened = (await this.openWith(me, input.toUserId ?? '')).conversation;
      conversationId = opened.id;
      otherId = otherOf(opened, me);
    }
    return { conversationId, otherId };
  }

  async setTyping(
    me: string,
    socketId: string,
    conversationId: string,
    isTyping: boolean,
  ): Promise<void> {
    await this.limits.consume('typing', me);
    const otherId = await this.otherParticipant(conversationId, me);
    this.typing.set(me, socketId, conversationId, otherId, isTyping);
  }

  /** Marks read up to `messageId`, or up to the latest message when it is omitted. */
  async markRead(
    me: string,
    conversationId: string,
    messageId?: string,
    originSocketId?: string,
  ): Promise<ReadResult> {
    const conversation = await this.store.getConversation(conversationId, me);
    if (!conversation) throw new ChatServerError('not_found', 'Conversation not found');
    if (messageId === undefined) {
      return this.readUpTo(
        me,
        conversation,
        conversation.lastSeq,
        conversation.lastMessageId,
        originSocketId,
      );
    }
    const message = await this.store.getMessage(messageId);
    if (!message || message.conversationId !== conversationId) {
      throw new ChatServerError('not_found', 'Message not found');
    }
    return this.readMessage(me, conversation, message, originSocketId);
  }

  /** REST form: the message names its conversation. */
  async markMessageRead(me: string, messageId: string): Promise<ReadResult> {
    const message = await this.store.getMessage(messageId);
    const conversation = message && (await this.store.getConversation(message.conversationId, me));
    if (!message || !conversation) throw new ChatServerError('not_found', 'Message not found');
    return this.readMessage(me, conversation, message);
  }

  private readMessage(
    me: string,
    conversation: ConversationRecord,
    message: MessageRecord,
    originSocketId?: string,
  ): Promise<ReadResult> {
    if (message.senderId === me) {
      throw new ChatServerError('forbidden', 'You cannot mark your own message as read');
    }
    return this.readUpTo(me, conversation, message.seq, message.id, originSocketId);
  }

  /** Moves `me`'s cursor up to `seq` (never back) and tells both participants' other sockets. */
  private async readUpTo(
    me: string,
    conversation: ConversationRecord,
    seq: number,
    readMessageId: string | null,
    originSocketId?: string,
  ): Promise<ReadResult> {
    const conversationId = conversation.id;
    const update = await this.store.markRead(conversationId, me, seq);
    if (update.changed) {
      const event = {
        conversationId,
        readerId: me,
        messageId: readMessageId,
        seq: update.seq,
        readAt: update.readAt,
      };
      this.sink.emit([otherOf(conversation, me)], 'messageRead', event);
      this.sink.emit(
        [me],
        'messageRead',
        event,
        originSocketId ? { exceptSocketId: originSocketId } : {},
      );
    }
    return {
      conversationId,
      messageId: readMessageId,
      seq: update.seq,
      readAt: update.readAt,
      unreadCount: update.unreadCount,
    };
  }

  async unreadCount(me: string): Promise<UnreadCountResponse> {
    const byConversation = await this.store.unreadCounts(me);
    const total = Object.values(byConversation).reduce((sum, n) => sum + n, 0);
    return { total, byConversation };
  }

  async contacts(me: string, query: string, limit: number): Promise<User[]> {
    const users = await this.store.searchContacts(me, query, limit, this.requireConnections);
    return users.map((u) => toUser(u, this.presence.isOnline(u.id)));
  }

  async socketConnected(me: string): Promise<void> {
    await this.presence.connected(me);
  }

  socketDisconnected(me: string, socketId: string): void {
    this.typing.socketGone(me, socketId);
    this.presence.disconnected(me);
  }

  async adminUpsertUser(
    id: string,
    profile: { name?: string | null; avatarUrl?: string | null },
  ): Promise<User> {
    await this.store.upsertUser({ id, ...profile });
    this.profiles.delete(id);
    const [user] = await this.store.getUsers([id]);
    return toUser(user!, this.presence.isOnline(id));
  }

  async adminReplaceConnections(id: string, userIds: readonly string[]): Promise<void> {
    await this.store.replaceConnections(id, [...new Set(userIds)]);
  }

  async close(): Promise<void> {
    this.typing.close();
    await this.presence.close();
  }

  /**
   * The other participant, or `not_found` when `me` takes no part. Participants never change, so
   * they are cached: a send then costs no lookup besides the insert itself.
   */
  private async otherParticipant(conversationId: string, me: string): Promise<string> {
    let pair = this.participants.get(conversationId);
    if (!pair) {
      const found = await this.store.getConversation(conversationId, me);
      if (!found) throw new ChatServerError('not_found', 'Conversation not found');
      pair = [found.participant1Id, found.participant2Id];
      if (this.participants.size >= PARTICIPANTS_CACHE_SIZE) this.participants.clear();
      this.participants.set(conversationId, pair);
    }
    if (pair[0] === me) return pair[1];
    if (pair[1] === me) return pair[0];
    throw new ChatServerError('not_found', 'Conversation not found');
  }

  private async checkPolicy(me: string, otherId: string): Promise<void> {
    if (this.requireConnections && !(await this.store.isConnected(me, otherId))) {
      throw new ChatServerError('forbidden', 'You can only chat with your connections');
    }
  }

  private async openWith(
    me: string,
    otherId: string,
  ): Promise<{ conversation: ConversationRecord; created: boolean }> {
    if (otherId === me)
      throw new ChatServerError(
        'bad_request',
        'userId: you cannot start a conversation with yourself',
      );
    await this.checkPolicy(me, otherId);
    const result = await this.store.getOrCreateConversation(me, otherId);
    if (result.created) {
      const view = await this.store.getConversationView(result.conversation.id, otherId);
      if (view)
        this.sink.emit(
          [otherId],
          'conversation',
          toConversation(view, otherId, this.presence.isOnline(me)),
        );
    }
    return result;
  }
}
