import type { OutboxStorage } from './types.js';

/**
 * Keeps the outbox in memory: the default outside browsers. Share one instance between two
 * `ChatClient`s to model a reload in tests.
 *
 * @example
 * ```ts
 * const storage = memoryStorage();
 * const client = new ChatClient({ url, tokenProvider, storage });
 * ```
 */
export function memoryStorage(): OutboxStorage {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  };
}

/**
 * Keeps the outbox in `window.localStorage`, so that a reload loses nothing. Storage errors
 * (quota, private mode) degrade to memory for that write rather than failing a send.
 *
 * @example
 * ```ts
 * const client = new ChatClient({ url, token, storage: localStorageStorage() });
 * ```
 */
export function localStorageStorage(storage: Storage = globalThis.localStorage): OutboxStorage {
  const fallback = memoryStorage();
  return {
    get(key) {
      try {
        return storage.getItem(key) ?? (fallback.get(key) as string | null);
      } catch {
        return fallback.get(key) as string | null;
      }
    },
    set(key, value) {
      try {
        storage.setItem(key, value);
      } catch {
        void fallback.set(key, value);
      }
    },
    remove(key) {
      try {
        storage.removeItem(key);
      } catch {
        // Nothing to undo: the fallback is cleared below.
      }
      void fallback.remove(key);
    },
  };
}

/** localStorage where it works (a browser), memory elsewhere (Node, SSR, sandboxed iframes). */
export function defaultStorage(): OutboxStorage {
  try {
    const ls = globalThis.localStorage;
    if (ls) {
      const probe = '__parley_probe__';
      ls.setItem(probe, '1');
      ls.removeItem(probe);
      return localStorageStorage(ls);
    }
  } catch {
    // Access can throw (blocked storage); memory is the answer then.
  }
  return memoryStorage();
}
