import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let offset = POOL_BYTES;
/** The last id's millisecond and counter: ids of one millisecond count up (RFC 9562, method 1). */
const last = { msecs: -Infinity, seq: 0 };

/**
 * A message id: a UUIDv7, time-ordered, so that the primary-key index grows at its right edge
 * instead of touching a random page for every message. The same as `uuid`'s own v7 with its
 * monotonic counter, except that the random bytes come from a pool refilled once every 256 ids:
 * `uuid` asks the OS for 16 bytes per id, which was 14% of the writer thread's CPU.
 */
export function newMessageId(): string {
  if (offset === POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const random = pool.subarray(offset, (offset += 16));
  const now = Date.now();
  if (now > last.msecs) {
    last.msecs = now;
    last.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    last.seq = (last.seq + 1) | 0;
    if (last.seq === 0) last.msecs++;
  }
  return uuidv7({ random, msecs: last.msecs, seq: last.seq });
}
