import { SqliteStore } from './sqlite-store.js';

/** Opens the SQLite store, turning file-system failures into errors that say what to do. */
export function openSqliteStore(path: string, synchronous: 'full' | 'normal'): SqliteStore {
  try {
    return new SqliteStore({ path, synchronous });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = error instanceof Error ? error.message : String(error);
    if (/EACCES|EPERM|EROFS|SQLITE_CANTOPEN|SQLITE_READONLY/.test(`${code} ${reason}`)) {
      throw new Error(
        `Cannot open the database at ${path} (${reason}): make its folder writable or pass --db <path>`,
        { cause: error },
      );
    }
    throw new Error(`Cannot open the database at ${path}: ${reason}`, { cause: error });
  }
}
