import { sql } from 'kysely';
import { GENESIS_HASH, hashLink } from '../crypto/ledger-hash.js';
import type { Db } from './connection.js';
import { type ChainBreak, checkChain, type LedgerEntry } from './ledger.js';

/**
 * The one writer of `integrity_breaks` and `integrity_cursors`: the workers' watch over the ledger. The
 * follower checks each new event's link as it is appended (its hash, and that it points at the event
 * before it); the sweep walks every chain to its head on a schedule. A break found is recorded once.
 */
export type FoundBreak = ChainBreak & { referralId: string; region: string };

type EventRow = {
  pos: string;
  referral_id: string;
  seq: number;
  event: string;
  action: string;
  actor_code: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  prev_hash: string;
  hash: string;
  before_hash: string | null;
  region: string;
};

/**
 * Recomputing a hash takes some 20 µs: a second's appends (or a sweep's chunk) checked in one go held the
 * event loop for 40 ms and more, and every HTTP request and relay batch behind it waited (the p99 of a
 * submission's answer was 80 ms against a p95 of 30). The checks let the others run every so often.
 */
const CHECKS_BETWEEN_YIELDS = 64;
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Checks the events appended after the follower's cursor, in append order, and moves the cursor. Positions
 * come from a sequence, so a later one can commit before an earlier one: the cursor waits at a gap until
 * `gapMs` has passed (a rolled-back transaction leaves a gap for good). Only one follower works at a time
 * (the cursor row is locked; the others skip).
 */
export async function followLedger(
  db: Db,
  opts: { limit: number; gapMs: number; now: number; gaps: Map<string, number> },
): Promise<{ checked: number; breaks: FoundBreak[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    await sql`INSERT INTO integrity_cursors (name, position) VALUES ('follower', '0') ON CONFLICT DO NOTHING`.execute(
      trx,
    );
    const { rows: cursor } = await sql<{ position: string }>`
      SELECT position FROM integrity_cursors WHERE name = 'follower' FOR UPDATE SKIP LOCKED`.execute(trx);
    if (!cursor[0]) return undefined;
    let at = BigInt(cursor[0].position);
    const { rows } = await sql<EventRow>`
      SELECT e.pos, e.referral_id, e.seq, e.event, e.action, e.actor_code, e.occurred_at, e.payload, e.prev_hash,
        e.hash, p.hash AS before_hash, r.region
      FROM ledger_events e
      JOIN referrals r ON r.id = e.referral_id
      LEFT JOIN ledger_events p ON p.referral_id = e.referral_id AND p.seq = e.seq - 1
      WHERE e.pos > ${at.toString()}::bigint
      ORDER BY e.pos LIMIT ${opts.limit}`.execute(trx);
    const breaks: FoundBreak[] = [];
    let checked = 0;
    for (const row of rows) {
      if (checked % CHECKS_BETWEEN_YIELDS === CHECKS_BETWEEN_YIELDS - 1) await yieldToOthers();
      const pos = BigInt(row.pos);
      if (pos !== at + 1n) {
        const key = (at + 1n).toString();
        const since = opts.gaps.get(key) ?? opts.now;
        opts.gaps.set(key, since);
        if (opts.now - since < opts.gapMs) break;
        opts.gaps.delete(key);
      }
      breaks.push(...linkBreaks(row));
      at = pos;
      checked++;
    }
    await sql`UPDATE integrity_cursors SET position = ${at.toString()}, updated_at = now() WHERE name = 'follower'`.execute(
      trx,
    );
    return { checked, breaks };
  });
}

function linkBreaks(row: EventRow): FoundBreak[] {
  const found: FoundBreak[] = [];
  const at = { referralId: row.referral_id, region: row.region, seq: row.seq };
  const expectedPrev = row.seq === 1 ? GENESIS_HASH : row.before_hash;
  if (expectedPrev === null) found.push({ ...at, reason: 'seq_gap' });
  else if (row.prev_hash !== expectedPrev) found.push({ ...at, reason: 'prev_hash_mismatch' });
  const recomputed = hashLink({
    referralId: row.referral_id,
    seq: row.seq,
    event: row.event,
    action: row.action,
    actor: row.actor_code,
    occurredAt: new Date(row.occurred_at).toISOString(),
    payload: row.payload,
    prevHash: row.prev_hash,
  });
  if (recomputed !== row.hash) found.push({ ...at, reason: 'hash_mismatch' });
  return found;
}

/** One step of the sweep: the next `limit` referrals after `afterId`, every chain checked to its head. */
export async function sweepChunk(
  db: Db,
  afterId: string,
  limit: number,
): Promise<{ checked: number; lastId: string | null; breaks: FoundBreak[] }> {
  const referrals = await db
    .selectFrom('referrals')
    .select(['id', 'region', 'head_seq', 'head_hash'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  if (referrals.length === 0) return { checked: 0, lastId: null, breaks: [] };
  const events = await db
    .selectFrom('ledger_events')
    .selectAll()
    .where(
      'referral_id',
      'in',
      referrals.map((r) => r.id),
    )
    .orderBy('referral_id')
    .orderBy('seq')
    .execute();
  const byReferral = new Map<string, LedgerEntry[]>();
  for (const e of events) {
    const list = byReferral.get(e.referral_id) ?? [];
    list.push({
      seq: e.seq,
      event: e.event,
      action: e.action,
      actor: e.actor_code,
      occurredAt: new Date(e.occurred_at).toISOString(),
      recordedAt: e.recorded_at.toISOString(),
      payload: e.payload,
      messageId: e.message_id,
      prevHash: e.prev_hash,
      hash: e.hash,
    });
    byReferral.set(e.referral_id, list);
  }
  const breaks: FoundBreak[] = [];
  for (const [i, r] of referrals.entries()) {
    if (i % CHECKS_BETWEEN_YIELDS === CHECKS_BETWEEN_YIELDS - 1) await yieldToOthers();
    const found = checkChain(r.id, byReferral.get(r.id) ?? [], { seq: r.head_seq, hash: r.head_hash });
    for (const b of found) breaks.push({ ...b, referralId: r.id, region: r.region });
  }
  return { checked: referrals.length, lastId: referrals.at(-1)?.id ?? null, breaks };
}

/** Where the sweep has got to (a restarted worker carries on from there). */
export async function sweepPosition(db: Db): Promise<string> {
  const row = await db
    .selectFrom('integrity_cursors')
    .select('position')
    .where('name', '=', 'sweep')
    .executeTakeFirst();
  return row?.position ?? '00000000-0000-0000-0000-000000000000';
}

export async function setSweepPosition(db: Db, position: string): Promise<void> {
  await db
    .insertInto('integrity_cursors')
    .values({ name: 'sweep', position })
    .onConflict((oc) => oc.column('name').doUpdateSet({ position, updated_at: new Date() }))
    .execute();
}

/** Records breaks; returns those not known before (each is raised once). */
export async function recordBreaks(db: Db, breaks: readonly FoundBreak[]): Promise<FoundBreak[]> {
  if (breaks.length === 0) return [];
  const rows = await db
    .insertInto('integrity_breaks')
    .values(
      breaks.map((b) => ({ referral_id: b.referralId, seq: b.seq, reason: b.reason, region: b.region })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning(['referral_id', 'seq', 'reason'])
    .execute();
  return breaks.filter((b) =>
    rows.some((r) => r.referral_id === b.referralId && r.seq === b.seq && r.reason === b.reason),
  );
}

export type KnownBreak = { referralId: string; seq: number; reason: string; detectedAt: string };

/** The breaks found in a region (all regions when none is given). */
export async function knownBreaks(db: Db, region?: string): Promise<KnownBreak[]> {
  const rows = await db
    .selectFrom('integrity_breaks')
    .selectAll()
    .$if(region !== undefined, (q) => q.where('region', '=', region ?? ''))
    .orderBy('detected_at')
    .execute();
  return rows.map((r) => ({
    referralId: r.referral_id,
    seq: r.seq,
    reason: r.reason,
    detectedAt: r.detected_at.toISOString(),
  }));
}

export async function countBreaks(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM integrity_breaks`.execute(db);
  return rows[0]?.n ?? 0;
}
