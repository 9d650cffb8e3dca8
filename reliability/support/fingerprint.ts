/**
 * A fingerprint of every row of the database, read through a separate read-only connection: two
 * equal fingerprints mean that nothing was written in between. `users.lastSeenAt` is left out:
 * presence writes it whenever a socket goes away, whatever that socket sent.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

const TABLES = ['users', 'conversations', 'messages', 'connections'];

export function fingerprint(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    for (const table of TABLES) {
      for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()) {
        hash.update(JSON.stringify({ ...(row as object), lastSeenAt: undefined }));
      }
      hash.update('|');
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}
