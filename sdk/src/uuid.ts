/**
 * A UUIDv7 (RFC 9562): the time in milliseconds, then random bits; the SDK's clientMessageIds.
 * Ids that count up with time land next to each other in the server's index of them, instead of
 * on a random page each. `crypto.getRandomValues` works outside secure contexts too.
 */
export function timeOrderedId(): string {
  const bytes = new Uint8Array(16);
  const c = globalThis.crypto;
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
