/**
 * The baseline: a bare Socket.IO relay with the reference server's transport settings and no auth,
 * validation or storage. It receives `sendMessage`, emits `message` to the recipient's and the
 * sender's rooms, and acks with a message of the same shape as the reference server's.
 */
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import {
  dropHandshakeRequest,
  transportOptions,
} from '../reference-server/src/socket/socket-server.js';

const room = (userId: string): string => `user:${userId}`;

interface RelayPayload {
  conversationId: string;
  content: string;
  clientMessageId: string;
}

/** Conversation ids of the relay are `userA|userB`: the recipient is read off the id. */
export function relayConversationId(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function attachRelay(httpServer: HttpServer): Server {
  // The same transport as the reference server's createIo(): 64 KB frames, no client bundle,
  // the same ws.
  const io = new Server(httpServer, {
    ...transportOptions(64 * 1024),
    allowRequest: (_req, callback) => callback(null, true),
    cors: { origin: (_origin, callback) => callback(null, true) },
  });
  const seqs = new Map<string, number>();
  io.on('connection', (socket) => {
    // As the reference server does: the handshake's request is let go (Socket.IO's memory guide).
    dropHandshakeRequest(socket);
    const userId = String((socket.handshake.auth as { userId?: unknown }).userId ?? socket.id);
    void socket.join(room(userId));
    socket.on('sendMessage', (payload: RelayPayload, ack: (reply: unknown) => void) => {
      const [a = '', b = ''] = payload.conversationId.split('|');
      const other = a === userId ? b : a;
      const seq = (seqs.get(payload.conversationId) ?? 0) + 1;
      seqs.set(payload.conversationId, seq);
      const at = new Date().toISOString();
      const message = {
        id: randomUUID(),
        conversationId: payload.conversationId,
        senderId: userId,
        content: payload.content,
        seq,
        clientMessageId: payload.clientMessageId,
        isRead: false,
        readAt: null,
        createdAt: at,
        updatedAt: at,
      };
      io.to([room(other), room(userId)]).emit('message', message);
      ack({ ok: true, message });
    });
  });
  return io;
}
