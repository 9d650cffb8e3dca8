import { describe, expect, it } from 'vitest';
import { validate, version } from 'uuid';
import { newMessageId } from '../src/store/sqlite/message-id.js';

describe('message ids', () => {
  it('are valid UUIDv7s, all different, in the order they were made', () => {
    // Far more than one pool of random bytes (256 ids) and many ids within one millisecond.
    const ids = Array.from({ length: 20_000 }, () => newMessageId());
    for (const id of ids) {
      expect(validate(id), id).toBe(true);
      expect(version(id), id).toBe(7);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
