import { createDb } from '../db/connection.js';
import { loadConfigOrExit } from '../runtime/load-config.js';

export type CliDb = ReturnType<typeof createDb>;

/** A small pool for one command, closed when the command is done. */
export async function withDb<T>(fn: (db: CliDb) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit();
  const db = createDb(config.DATABASE_URL, 2);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}
