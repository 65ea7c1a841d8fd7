import { sql } from 'kysely';
import { sha256Hex } from '../crypto/ledger-hash.js';
import type { Outgoing } from '../schemas/step.js';
import type { Db } from './connection.js';
import { enqueue } from './outbox.js';

/**
 * The one writer of `idempotency_keys` (HTTP Idempotency-Key) and `processed_messages` (AMQP message ids):
 * each recorded in the same statement as the effect it guards, so that a command takes effect once.
 */
export type Dedup =
  | { via: 'http'; agency: string; key: string; requestHash: string }
  | { via: 'amqp'; messageId: string; sender: string; type: string };

export const DEDUP_INPUTS = {
  keys: {
    name: 'in_idempotency_keys',
    columns: 'agency_code text, key text, request_hash text, outcome text, guard uuid, response jsonb',
  },
  messages: {
    name: 'in_processed_messages',
    columns: 'message_id uuid, sender_code text, type text, guard uuid',
  },
} as const;

export const DEDUP_RECORDS = `
  recorded_keys AS (
    INSERT INTO idempotency_keys (agency_code, key, request_hash, outcome, response)
    SELECT k.agency_code, k.key, k.request_hash, k.outcome, k.response
    FROM in_idempotency_keys k WHERE k.guard IN (SELECT id FROM guards)
    ON CONFLICT DO NOTHING
    RETURNING key
  ),
  recorded_messages AS (
    INSERT INTO processed_messages (message_id, sender_code, type, outcome)
    SELECT m.message_id, m.sender_code, m.type, 'applied'
    FROM in_processed_messages m WHERE m.guard IN (SELECT id FROM guards)
    ON CONFLICT DO NOTHING
    RETURNING message_id
  )`;

/**
 * The id of what an idempotent command creates, derived from its key: a concurrent duplicate (another
 * gateway, a redelivery) would create the same id, and the insert guarded by that id lets only one win.
 */
export function derivedId(dedup: Dedup): string {
  const seed = dedup.via === 'http' ? `http\n${dedup.agency}\n${dedup.key}` : `amqp\n${dedup.messageId}`;
  const h = sha256Hex(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const SEEN_QUERIES = {
  /** Message ids already processed, among $2. */
  messages: `(SELECT coalesce(json_agg(message_id), '[]'::json) FROM processed_messages
      WHERE message_id = ANY($2::uuid[]))`,
  /** Stored answers to the Idempotency-Keys ($3 agencies, $4 keys, pairwise). */
  keys: `(SELECT coalesce(json_agg(k), '[]'::json) FROM (
      SELECT i.agency_code, i.key, i.request_hash, i.outcome, i.response
      FROM idempotency_keys i JOIN unnest($3::text[], $4::text[]) AS q(agency_code, key)
        ON i.agency_code = q.agency_code AND i.key = q.key) k)`,
};

export type StoredAnswer = {
  agency_code: string;
  key: string;
  request_hash: string;
  outcome: 'created' | 'applied';
  response: unknown;
};

/**
 * A command the hub refused: its message id is recorded as processed (so a redelivery is not refused twice)
 * and, only the first time, the sender's `command.rejected` notice is enqueued.
 */
export async function recordRejection(
  db: Db,
  rejected: { messageId: string | null; sender: string; type: string },
  notice: Outgoing,
): Promise<void> {
  const { messageId } = rejected;
  if (!messageId) return enqueue(db, [notice]);
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql`
      INSERT INTO processed_messages (message_id, sender_code, type, outcome)
      VALUES (${messageId}, ${rejected.sender}, ${rejected.type}, 'rejected')
      ON CONFLICT DO NOTHING RETURNING message_id`.execute(trx);
    if (rows.length > 0) await enqueue(trx, [notice]);
  });
}

/** How many of these message ids were processed (applied or refused). */
export async function countProcessed(db: Db, messageIds: readonly string[]): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM processed_messages WHERE message_id = ANY(${[...messageIds]}::uuid[])`.execute(
    db,
  );
  return rows[0]?.n ?? 0;
}
