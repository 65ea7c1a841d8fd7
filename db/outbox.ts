import { sql } from 'kysely';
import pg from 'pg';
import type { Outgoing } from '../schemas/step.js';
import { type Db, poolOf } from './connection.js';

/**
 * The one writer of `outbox` and `deliveries`. The outbox is a queue: a message is written once, with the
 * step that caused it, and deleted once delivered — confirmed by the broker (AMQP) or acknowledged by the
 * agency (HTTP pull). `deliveries` keeps, compactly and for as long as the referral lives, when each
 * message was published, fetched and acknowledged: "did the police get it?" has an answer.
 */
export const OUTBOX_INPUT = {
  name: 'in_outbox',
  columns:
    'message_id uuid, recipient_code text, channel text, type text, referral_id uuid, correlation_id uuid, guard uuid, body json',
} as const;

/** Enqueues the input messages whose guard is in `guards` (the statement's successful writes). */
export const OUTBOX_ENQUEUE = `
  enqueued AS (
    INSERT INTO outbox (message_id, recipient_code, channel, type, referral_id, correlation_id, body)
    SELECT o.message_id, o.recipient_code, o.channel, o.type, o.referral_id, o.correlation_id, o.body
    FROM in_outbox o WHERE o.guard IN (SELECT id FROM guards)
    RETURNING id
  )`;

/** A message as an input row; the envelope goes in as the text it was written as. */
export function outboxRow(message: Outgoing, guard: string) {
  return {
    row: {
      message_id: message.messageId,
      recipient_code: message.recipient,
      channel: message.channel,
      type: message.type,
      referral_id: message.referralId,
      correlation_id: message.correlationId,
      guard,
    },
    raw: { body: message.body },
  };
}

/** Messages that depend on no other write (an integrity alert), enqueued on their own. */
export async function enqueue(db: Db, messages: readonly Outgoing[]): Promise<void> {
  if (messages.length === 0) return;
  await sql`
    INSERT INTO outbox (message_id, recipient_code, channel, type, referral_id, correlation_id, body)
    SELECT m.message_id, m.recipient_code, m.channel, m.type, m.referral_id, m.correlation_id, m.body::json
    FROM json_to_recordset(${JSON.stringify(messages.map(plainRow))}::json)
      AS m(message_id uuid, recipient_code text, channel text, type text, referral_id uuid, correlation_id uuid,
        body text)`.execute(db);
}

function plainRow(m: Outgoing) {
  return {
    message_id: m.messageId,
    recipient_code: m.recipient,
    channel: m.channel,
    type: m.type,
    referral_id: m.referralId,
    correlation_id: m.correlationId,
    body: m.body,
  };
}

export type Claimed = {
  id: string;
  message_id: string;
  recipient_code: string;
  type: string;
  correlation_id: string | null;
  body: string;
};

/**
 * A relay's claim on a batch, held by its own transaction: rows are locked (FOR UPDATE SKIP LOCKED, so
 * several relays share the work) until the broker confirmed them and they are deleted. A relay that dies
 * releases them at once: PostgreSQL aborts its transaction when the connection drops, so another relay
 * takes them over with no lease to wait out, and at most this batch is sent again.
 */
export class RelayClaim {
  private client: pg.PoolClient | undefined;

  constructor(private readonly db: Db) {}

  /**
   * Opens the transaction and claims up to `limit` AMQP messages in id order. A message waits while an
   * earlier one to the same agency about the same referral is still queued (per-referral order, also when
   * several relays run).
   */
  async claim(limit: number): Promise<Claimed[]> {
    this.client ??= await poolOf(this.db).connect();
    const n = Math.max(1, Math.floor(limit));
    // One round trip: the simple protocol runs BEGIN, the plan setting and the claim together.
    // A queue table's statistics mislead the planner: analyzed (or vacuumed) while nearly empty, the outbox
    // looks like one row, and the planner then sorts a sequential scan and checks the order with a nested
    // sequential scan per row, work that grows with the square of the backlog (a soak with autovacuum on
    // fell to one batch of 500 per 10 s). So no sequential scans here, and the order check is an aggregate
    // over the (referral, recipient) index (`+ 0` keeps the primary key out of it): the relay's index is
    // read in id order until the batch is full, one index probe per message, however stale the statistics.
    // Nor bitmap scans: the planner likes them for a queue it thinks small, and a bitmap scan reads every
    // entry of the index, dead ones included, every time, and sorts, so that a claim cost a millisecond for
    // every ~5,000 rows deleted since the last vacuum (2.3 ms at 10,000). An index scan in id order stops
    // at the batch's end and marks the dead entries it passes, so that the next claim skips them (0.16 ms).
    const results = (await this.client.query(`BEGIN;
      SET LOCAL enable_seqscan = off;
      SET LOCAL enable_bitmapscan = off;
      SELECT o.id, o.message_id, o.recipient_code, o.type, o.correlation_id, o.body::text AS body
      FROM outbox o
      WHERE o.channel = 'amqp' AND (o.referral_id IS NULL OR o.id = (
        SELECT min(p.id + 0) FROM outbox p
        WHERE p.referral_id = o.referral_id AND p.recipient_code = o.recipient_code))
      ORDER BY o.id LIMIT ${n}
      FOR UPDATE OF o SKIP LOCKED`)) as unknown as pg.QueryResult<Claimed>[];
    const rows = results[3]?.rows ?? [];
    if (rows.length === 0) await this.client.query('COMMIT');
    return rows;
  }

  /** The broker confirmed them: delete the messages, record their publication, commit. */
  async complete(ids: readonly string[]): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('no claim open');
    const list = ids.map((id) => BigInt(id).toString()).join(',');
    await client.query(`
      WITH sent AS (
        DELETE FROM outbox WHERE id = ANY('{${list}}'::bigint[])
        RETURNING message_id, recipient_code, channel, type, referral_id, created_at
      )
      INSERT INTO deliveries (message_id, recipient_code, channel, type, referral_id, created_at, published_at)
      SELECT message_id, recipient_code, channel, type, referral_id, created_at, now() FROM sent
      ON CONFLICT (message_id) DO UPDATE SET published_at = excluded.published_at;
      COMMIT`);
  }

  /** Gives the claim back (publishing failed): the rows are claimable again at once. */
  async abandon(): Promise<void> {
    await this.client?.query('ROLLBACK').catch(() => {});
  }

  /** Returns the connection to the pool (a broken one is destroyed). */
  release(broken = false): void {
    this.client?.release(broken);
    this.client = undefined;
  }
}

export type InboxItem = Record<string, unknown> & {
  delivery: { status: string; publishedAt: string | null };
};

/** Messages waiting for an agency that pulls over HTTP, oldest first; reading marks them fetched. */
export async function fetchInbox(
  db: Db,
  agencyCode: string,
  after: string | undefined,
  limit: number,
): Promise<{ items: InboxItem[]; next: string | null }> {
  const { rows } = await sql<{ id: string; body: string }>`
    UPDATE outbox SET fetched_at = coalesce(fetched_at, now())
    WHERE id IN (
      SELECT id FROM outbox
      WHERE recipient_code = ${agencyCode} AND channel = 'http' AND id > ${after ?? '0'}::bigint
      ORDER BY id LIMIT ${limit}
    )
    RETURNING id, body::text AS body`.execute(db);
  const sorted = rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  const items = sorted.map((r) => ({
    ...(JSON.parse(r.body) as Record<string, unknown>),
    delivery: { status: 'queued', publishedAt: null },
  }));
  const next = sorted.length === limit ? (sorted.at(-1)?.id ?? null) : null;
  return { items, next };
}

/**
 * Records that the agency has these messages; returns how many were addressed to it (acknowledging twice
 * is fine). A pulled message leaves the outbox; one the agency got over AMQP may be acknowledged before the
 * relay recorded its publication, so both paths upsert the delivery record.
 */
export async function acknowledge(db: Db, agencyCode: string, messageIds: string[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ids = messageIds;
    await sql`
      WITH taken AS (
        DELETE FROM outbox WHERE message_id = ANY(${ids}::uuid[]) AND recipient_code = ${agencyCode}
          AND channel = 'http'
        RETURNING message_id, recipient_code, channel, type, referral_id, created_at, fetched_at
      )
      INSERT INTO deliveries (message_id, recipient_code, channel, type, referral_id, created_at, fetched_at,
        acknowledged_at)
      SELECT message_id, recipient_code, channel, type, referral_id, created_at, fetched_at, now() FROM taken
      ON CONFLICT (message_id) DO NOTHING`.execute(trx);
    await sql`
      INSERT INTO deliveries (message_id, recipient_code, channel, type, referral_id, created_at)
      SELECT message_id, recipient_code, channel, type, referral_id, created_at FROM outbox
      WHERE message_id = ANY(${ids}::uuid[]) AND recipient_code = ${agencyCode}
      ON CONFLICT (message_id) DO NOTHING`.execute(trx);
    const { rows } = await sql<{ n: number }>`
      WITH acked AS (
        UPDATE deliveries SET acknowledged_at = coalesce(acknowledged_at, now())
        WHERE message_id = ANY(${ids}::uuid[]) AND recipient_code = ${agencyCode}
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM acked`.execute(trx);
    return rows[0]?.n ?? 0;
  });
}

export type DeliveryRecord = {
  messageId: string;
  recipient: string;
  channel: string;
  type: string;
  status: 'queued' | 'published' | 'acknowledged';
  createdAt: string;
  publishedAt: string | null;
  fetchedAt: string | null;
  acknowledgedAt: string | null;
};

/** Every message about a referral (or one message) and what became of it. */
export async function deliveryRecord(
  db: Db,
  where: { referralId?: string; messageId?: string },
): Promise<DeliveryRecord[]> {
  const { rows } = await sql<{
    message_id: string;
    recipient_code: string;
    channel: string;
    type: string;
    created_at: Date;
    published_at: Date | null;
    fetched_at: Date | null;
    acknowledged_at: Date | null;
  }>`
    SELECT d.message_id, d.recipient_code, d.channel, d.type, d.created_at, d.published_at, d.fetched_at,
      d.acknowledged_at
    FROM deliveries d
    WHERE (d.referral_id = ${where.referralId ?? null}::uuid OR d.message_id = ${where.messageId ?? null}::uuid)
    UNION ALL
    SELECT o.message_id, o.recipient_code, o.channel, o.type, o.created_at, NULL, o.fetched_at, NULL
    FROM outbox o
    WHERE (o.referral_id = ${where.referralId ?? null}::uuid OR o.message_id = ${where.messageId ?? null}::uuid)
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = o.message_id)
    ORDER BY created_at, message_id`.execute(db);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return rows.map((r) => ({
    messageId: r.message_id,
    recipient: r.recipient_code,
    channel: r.channel,
    type: r.type,
    status: r.acknowledged_at ? 'acknowledged' : r.published_at ? 'published' : 'queued',
    createdAt: r.created_at.toISOString(),
    publishedAt: iso(r.published_at),
    fetchedAt: iso(r.fetched_at),
    acknowledgedAt: iso(r.acknowledged_at),
  }));
}

/** Counted exactly up to this many; a gauge at it means at least this many. */
export const LAG_COUNT_CAP = 10_000;

/**
 * Messages waiting for the relay (counted up to LAG_COUNT_CAP, so that a scrape stays cheap however big the
 * outbox grows), and the age of the oldest (the first entry of the relay's index).
 */
export async function outboxLag(db: Db): Promise<{ waiting: number; oldestSeconds: number }> {
  const { rows } = await sql<{ waiting: number; oldest: number | null }>`
    SELECT
      (SELECT count(*) FROM (SELECT 1 FROM outbox WHERE channel = 'amqp' LIMIT ${LAG_COUNT_CAP}) w)::int AS waiting,
      extract(epoch FROM now() - (SELECT created_at FROM outbox WHERE channel = 'amqp' ORDER BY id LIMIT 1))::float8
        AS oldest`.execute(db);
  return { waiting: rows[0]?.waiting ?? 0, oldestSeconds: rows[0]?.oldest ?? 0 };
}

/** The AMQP messages waiting in the outbox now (the fault tests watch them being taken over). */
export async function pendingMessageIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('outbox').select('message_id').where('channel', '=', 'amqp').execute();
  return rows.map((r) => r.message_id);
}

/** When each of these messages was published (absent: not yet). */
export async function publishedAt(db: Db, messageIds: readonly string[]): Promise<Map<string, Date>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('deliveries')
    .select(['message_id', 'published_at'])
    .where('message_id', 'in', [...messageIds])
    .where('published_at', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.message_id, new Date(r.published_at as Date)]));
}

/** The channel every statement adding to the outbox notifies at its commit (migration 0017). */
export const OUTBOX_CHANNEL = 'hub_outbox';

/** A connection listening on `hub_outbox` (workers/outbox-listener.ts keeps one up). */
export type OutboxListening = { close(): Promise<void> };

/** How often an idle listening connection proves it is still there, and how long it may take. */
const LISTENER_CHECK_MS = 30_000;
const LISTENER_TIMEOUT_MS = 10_000;

/**
 * Opens a connection of its own and LISTENs on `hub_outbox`: `notified` runs at each notification, `lost`
 * once when the connection fails or ends (not after `close`). A listening connection only receives, so a
 * peer gone without a word (a firewall's idle timeout, a failover's half-open socket) would never be noticed:
 * it asks `SELECT 1` every 30 s and counts a missing answer as lost.
 */
export async function listenToOutbox(
  connectionString: string,
  notified: () => void,
  lost: (error?: Error) => void,
): Promise<OutboxListening> {
  const client = new pg.Client({
    connectionString,
    application_name: 'referral-hub outbox listener',
    connectionTimeoutMillis: LISTENER_TIMEOUT_MS,
    query_timeout: LISTENER_TIMEOUT_MS,
    keepAlive: true,
  });
  // Open once listening: a failure before that is the caller's to see, thrown, not also reported.
  let open = false;
  let check: NodeJS.Timeout | undefined;
  const end = (error?: Error) => {
    if (!open) return;
    open = false;
    clearInterval(check);
    client.end().catch(() => {});
    lost(error);
  };
  client.on('notification', notified);
  client.on('error', end);
  client.on('end', () => end());
  try {
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  open = true;
  check = setInterval(() => {
    client.query('SELECT 1').catch((error: Error) => end(error));
  }, LISTENER_CHECK_MS);
  check.unref();
  return {
    async close() {
      open = false;
      clearInterval(check);
      await client.end().catch(() => {});
    },
  };
}
