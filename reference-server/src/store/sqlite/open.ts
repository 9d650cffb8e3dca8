import { SqliteStore } from './sqlite-store.js';
import type { SqliteStoreOptions } from './sqlite-store.js';

/** Opens the SQLite store, turning file-system failures into errors that say what to do. */
export function openSqliteStore(
  path: string,
  synchronous: 'full' | 'normal',
  log?: SqliteStoreOptions['log'],
): SqliteStore {
  try {
    return new SqliteStore({ path, synchronous, log });
  } catch (error) {
    // Anything else (a missing writer-thread.js) says what to do itself.
    if (typeof (error as { code?: unknown } | null)?.code !== 'string') throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Cannot open the database at ${path} (${reason}): make sure its folder can be created and written, ` +
        'or pass another path with --db <path> (CHAT_DB_PATH)',
      { cause: error },
    );
  }
}
