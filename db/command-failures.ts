import { sql } from 'kysely';
import type { Db } from './connection.js';

/**
 * The one writer of `command_failures`: the last error the hub saw for a command it could not apply yet,
 * so that a dead letter the queue makes by itself (a worker that died on it, again and again) still says
 * what went wrong. Best effort: when the database is what failed, there is nothing to record it in.
 */
export async function recordFailure(
  db: Db,
  failure: { messageId: string; sender: string | null; type: string | null; error: string },
): Promise<void> {
  await sql`
    INSERT INTO command_failures (message_id, sender_code, type, error)
    VALUES (${failure.messageId}, ${failure.sender}, ${failure.type}, ${failure.error.slice(0, 1000)})
    ON CONFLICT (message_id) DO UPDATE SET error = excluded.error, attempts = command_failures.attempts + 1,
      last_at = now(), sender_code = coalesce(excluded.sender_code, command_failures.sender_code),
      type = coalesce(excluded.type, command_failures.type)`
    .execute(db)
    .catch(() => {});
}

export async function failuresOf(
  db: Db,
  messageIds: readonly string[],
): Promise<Map<string, { error: string; sender: string | null; type: string | null; lastAt: string }>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('command_failures')
    .selectAll()
    .where('message_id', 'in', [...messageIds])
    .execute();
  return new Map(
    rows.map((r) => [
      r.message_id,
      { error: r.error, sender: r.sender_code, type: r.type, lastAt: r.last_at.toISOString() },
    ]),
  );
}
