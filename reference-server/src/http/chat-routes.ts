import { Router } from 'express';
import type { ChatService } from '../service/chat-service.js';
import { parse, schemas } from '../schemas.js';
import { identityOf } from './authenticate.js';

/** `/chat/*`: the contract's REST routes. Every handler runs after `authenticate`. */
export function chatRoutes(service: ChatService): Router {
  const router = Router();

  router.get('/conversations', async (req, res) => {
    const q = parse(schemas.listConversationsQuery, req.query, 'query');
    res.json(await service.listConversations(identityOf(res).userId, q.limit, q.cursor));
  });

  router.get('/conversations/:id', async (req, res) => {
    const { id } = parse(schemas.conversationIdParam, req.params, 'id');
    const q = parse(schemas.conversationPageQuery, req.query, 'query');
    res.json(await service.getConversationPage(identityOf(res).userId, id, q));
  });

  router.post('/conversations', async (req, res) => {
    const body = parse(schemas.createConversationBody, req.body, 'body');
    const { conversation, created } = await service.createConversation(
      identityOf(res).userId,
      body.userId,
    );
    res.status(created ? 201 : 200).json({ conversation });
  });

  router.get('/unread-count', async (_req, res) => {
    res.json(await service.unreadCount(identityOf(res).userId));
  });

  router.put('/messages/:id/read', async (req, res) => {
    const { id } = parse(schemas.messageIdParam, req.params, 'id');
    res.json(await service.markMessageRead(identityOf(res).userId, id));
  });

  router.get('/contacts', async (req, res) => {
    const q = parse(schemas.contactsQuery, req.query, 'query');
    res.json({ users: await service.contacts(identityOf(res).userId, q.query, q.limit) });
  });

  return router;
}
