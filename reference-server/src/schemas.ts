import { z } from 'zod';
import { ChatServerError } from './errors.js';

/** Validation at the edge: every inbound body, query and socket payload goes through one of these. */

// A lone UTF-16 surrogate cannot be stored as UTF-8: SQLite would silently turn it into U+FFFD,
// so such text is refused rather than stored as something else than what was sent.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const wellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);
const text = (message = 'must be a string') =>
  z.string(message).refine(wellFormed, 'must be well-formed Unicode (no lone surrogates)');

const userId = text().min(1, 'must not be empty').max(128, 'must be at most 128 characters');
const uuid = z.uuid('must be a UUID');
const clientMessageId = text().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
// Length rules (empty, too long) are the service's, so that the 400 / 413 split lives in one place.
const content = text();
const seqParam = z.coerce
  .number('must be a number')
  .int('must be an integer')
  .min(0, 'must be >= 0');
const limitParam = (max: number, fallback: number) =>
  z.coerce.number('must be a number').int('must be an integer').min(1).max(max).default(fallback);

export const schemas = {
  conversationIdParam: z.strictObject({ id: uuid }),
  messageIdParam: z.strictObject({ id: uuid }),
  listConversationsQuery: z.strictObject({
    limit: limitParam(100, 20),
    cursor: z.string().max(512).optional(),
  }),
  conversationPageQuery: z
    .strictObject({
      limit: limitParam(200, 50),
      beforeSeq: seqParam.optional(),
      afterSeq: seqParam.optional(),
    })
    .refine((q) => q.beforeSeq === undefined || q.afterSeq === undefined, {
      message: 'beforeSeq and afterSeq cannot be combined',
    }),
  createConversationBody: z.strictObject({ userId }),
  contactsQuery: z.strictObject({
    query: text().max(100, 'must be at most 100 characters').default(''),
    limit: limitParam(100, 20),
  }),
  adminUserParam: z.strictObject({ id: userId }),
  adminUserBody: z.strictObject({
    name: text().max(100, 'must be at most 100 characters').nullable().optional(),
    avatarUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2048)
      .nullable()
      .optional(),
  }),
  adminConnectionsBody: z.strictObject({ userIds: z.array(userId).max(10_000) }),
  sendToConversation: z.strictObject({ conversationId: uuid, content, clientMessageId }),
  sendToUser: z.strictObject({ toUserId: userId, content, clientMessageId }),
  typing: z.strictObject({ conversationId: uuid, isTyping: z.boolean('must be a boolean') }),
  markAsRead: z.strictObject({ conversationId: uuid, messageId: uuid.optional() }),
  demoToken: z.strictObject({
    userId,
    name: text().max(100).optional(),
  }),
};

/** Parses or throws `bad_request` naming the first offending field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : what;
  throw new ChatServerError('bad_request', `${path}: ${issue?.message ?? 'invalid'}`);
}
