import type {
  ContactsResponse,
  Conversation,
  ConversationPageResponse,
  ConversationResponse,
  ListConversationsResponse,
  ReadResult,
  UnreadCountResponse,
  User,
} from './protocol.js';
import type { RestClient } from './rest-client.js';

export interface PageQuery {
  beforeSeq?: number;
  afterSeq?: number;
  limit?: number;
}

/** The contract's REST routes, one method each. Every method throws `ChatError`. */
export class ChatApi {
  constructor(private readonly rest: RestClient) {}

  listConversations(cursor: string | null, limit = 20): Promise<ListConversationsResponse> {
    return this.rest.send('GET', '/conversations', { query: { limit, cursor } });
  }

  getConversation(id: string, page: PageQuery = {}): Promise<ConversationPageResponse> {
    return this.rest.send('GET', `/conversations/${encodeURIComponent(id)}`, {
      query: { limit: page.limit, beforeSeq: page.beforeSeq, afterSeq: page.afterSeq },
    });
  }

  async createConversation(userId: string): Promise<Conversation> {
    const res = await this.rest.send<ConversationResponse>('POST', '/conversations', {
      body: { userId },
    });
    return res.conversation;
  }

  unreadCount(): Promise<UnreadCountResponse> {
    return this.rest.send('GET', '/unread-count');
  }

  markRead(messageId: string): Promise<ReadResult> {
    return this.rest.send('PUT', `/messages/${encodeURIComponent(messageId)}/read`);
  }

  async contacts(query: string, limit?: number): Promise<User[]> {
    const res = await this.rest.send<ContactsResponse>('GET', '/contacts', {
      query: { query, limit },
    });
    return res.users;
  }
}
