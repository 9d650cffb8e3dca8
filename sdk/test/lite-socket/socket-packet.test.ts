import { describe, expect, it } from 'vitest';
import { PacketType, decodePacket, encodePacket } from '../../src/lite-socket/socket-packet.js';

describe('Socket.IO packets', () => {
  it('encodes the default namespace without a prefix, with ack ids', () => {
    expect(encodePacket(PacketType.connect, { token: 't' })).toBe('0{"token":"t"}');
    expect(encodePacket(PacketType.event, ['join'], 12)).toBe('212["join"]');
    expect(encodePacket(PacketType.ack, [{ ok: true }], 3)).toBe('33[{"ok":true}]');
    expect(encodePacket(PacketType.disconnect)).toBe('1');
  });

  it('decodes what a Socket.IO v4 server sends', () => {
    expect(decodePacket('0{"sid":"abc"}')).toMatchObject({
      type: 0,
      nsp: '/',
      data: { sid: 'abc' },
    });
    expect(decodePacket('4{"message":"no","data":{"code":"unauthorized"}}')).toMatchObject({
      type: 4,
      data: { data: { code: 'unauthorized' } },
    });
    expect(decodePacket('2["message",{"id":1}]')).toMatchObject({ type: 2, id: undefined });
    expect(decodePacket('27["question",41]')).toMatchObject({
      type: 2,
      id: 7,
      data: ['question', 41],
    });
    expect(decodePacket('3120[{"ok":true}]')).toMatchObject({ type: 3, id: 120 });
    expect(decodePacket('1')).toMatchObject({ type: 1, data: undefined });
    expect(decodePacket('2/admin,["x"]')).toMatchObject({ nsp: '/admin', data: ['x'] });
  });

  it('refuses malformed and binary packets', () => {
    for (const bad of [
      '',
      '9',
      '2',
      '2[1]',
      '2{"a":1}',
      '0',
      '3[',
      '51-["x",{"_placeholder":true}]',
    ]) {
      expect(decodePacket(bad)).toBeNull();
    }
  });
});
