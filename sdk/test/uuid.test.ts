import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../src/uuid.js';

describe('clientMessageIds', () => {
  it('are UUIDv7s that carry the time they were made and sort in the order they were made', async () => {
    const before = Date.now();
    const first = timeOrderedId();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = timeOrderedId();
    const after = Date.now();
    for (const id of [first, second]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
    }
    expect(first < second).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, timeOrderedId)).size).toBe(1000);
  });
});
