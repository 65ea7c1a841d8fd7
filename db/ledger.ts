import { sql } from 'kysely';
import { GENESIS_HASH, hashLink } from '../crypto/ledger-hash.js';
import type { LedgerEvent } from '../schemas/referral-state.js';
import type { SealedEvent } from '../schemas/step.js';
import type { Db } from './connection.js';

/**
 * The one writer of `ledger_events` (append-only: a trigger refuses UPDATE, DELETE and TRUNCATE). An event
 * is appended only for a referral whose write succeeded in the same statement (`referral_guards`).
 */
export const LEDGER_INPUT = {
  name: 'in_events',
  columns: `referral_id uuid, seq int, event text, action text, actor_code text, occurred_at timestamptz,
    payload jsonb, message_id uuid, prev_hash text, hash text`,
} as const;

export const LEDGER_APPEND = `
  appended_events AS (
    INSERT INTO ledger_events (referral_id, seq, event, action, actor_code, occurred_at, payload, message_id,
      prev_hash, hash)
    SELECT e.referral_id, e.seq, e.event, e.action, e.actor_code, e.occurred_at, e.payload, e.message_id,
      e.prev_hash, e.hash
    FROM in_events e WHERE e.referral_id IN (SELECT id FROM referral_guards)
    RETURNING referral_id
  )`;

/** An event as an input row; the payload goes in as the canonical text it was hashed over. */
export function eventRow(event: SealedEvent) {
  return {
    row: {
      referral_id: event.referralId,
      seq: event.seq,
      event: event.event,
      action: event.action,
      actor_code: event.actor,
      occurred_at: event.occurredAt,
      message_id: event.messageId,
      prev_hash: event.prevHash,
      hash: event.hash,
    },
    raw: { payload: event.payloadJson },
  };
}

export type LedgerEntry = {
  seq: number;
  event: string;
  action: string;
  actor: string;
  occurredAt: string;
  recordedAt: string;
  payload: Record<string, unknown>;
  messageId: string | null;
  prevHash: string;
  hash: string;
};

export async function loadLedger(db: Db, referralId: string): Promise<LedgerEntry[]> {
  const rows = await db
    .selectFrom('ledger_events')
    .selectAll()
    .where('referral_id', '=', referralId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    event: r.event,
    action: r.action,
    actor: r.actor_code,
    occurredAt: new Date(r.occurred_at).toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    payload: r.payload,
    messageId: r.message_id,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}

/** The stored events of a referral as the decision's type (for replay). */
export async function ledgerEvents(db: Db, referralId: string): Promise<LedgerEvent[]> {
  return (await loadLedger(db, referralId)).map(({ recordedAt: _, ...e }) => ({ ...e, referralId }));
}

export type ChainBreak = {
  seq: number;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'head_mismatch';
};
export type Verification = {
  referralId: string;
  valid: boolean;
  events: number;
  head: string;
  breaks: ChainBreak[];
};

/** Checks one chain: every link recomputed from the stored columns, and the referral's head. */
export function checkChain(
  referralId: string,
  events: readonly LedgerEntry[],
  head: { seq: number; hash: string },
): ChainBreak[] {
  const breaks: ChainBreak[] = [];
  let prev = GENESIS_HASH;
  events.forEach((entry, index) => {
    if (entry.seq !== index + 1) breaks.push({ seq: entry.seq, reason: 'seq_gap' });
    if (entry.prevHash !== prev) breaks.push({ seq: entry.seq, reason: 'prev_hash_mismatch' });
    const recomputed = hashLink({
      referralId,
      seq: entry.seq,
      event: entry.event,
      action: entry.action,
      actor: entry.actor,
      occurredAt: entry.occurredAt,
      payload: entry.payload,
      prevHash: entry.prevHash,
    });
    if (recomputed !== entry.hash) breaks.push({ seq: entry.seq, reason: 'hash_mismatch' });
    prev = entry.hash;
  });
  const last = events.at(-1);
  if (!last || last.seq !== head.seq || last.hash !== head.hash) {
    breaks.push({ seq: head.seq, reason: 'head_mismatch' });
  }
  return breaks;
}

/** Recomputes every link of a referral's chain from the stored columns and compares with the head. */
export async function verifyChain(db: Db, referralId: string): Promise<Verification | undefined> {
  const referral = await db
    .selectFrom('referrals')
    .select(['head_seq', 'head_hash'])
    .where('id', '=', referralId)
    .executeTakeFirst();
  if (!referral) return undefined;
  const ledger = await loadLedger(db, referralId);
  const breaks = checkChain(referralId, ledger, { seq: referral.head_seq, hash: referral.head_hash });
  return { referralId, valid: breaks.length === 0, events: ledger.length, head: referral.head_hash, breaks };
}

/** How many events the ledger holds (tests and benchmarks count them). */
export async function countEvents(db: Db, where: { event?: string } = {}): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ledger_events WHERE ${where.event ?? null}::text IS NULL OR event = ${where.event ?? null}`.execute(
    db,
  );
  return rows[0]?.n ?? 0;
}
