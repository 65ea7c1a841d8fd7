import { sql } from 'kysely';
import type { Envelope } from '../schemas/messages.js';
import type { Db } from './connection.js';

export type InboxItem = Envelope & { delivery: { status: string; publishedAt: string | null } };

/** Unacknowledged messages of one agency, oldest first; reading marks them fetched. */
export async function fetchInbox(
  db: Db,
  agencyCode: string,
  after: string | undefined,
  limit: number,
): Promise<{ items: InboxItem[]; next: string | null }> {
  const rows = await sql<{ id: string; envelope: Envelope; status: string; published_at: Date | null }>`
    UPDATE outbox SET fetched_at = coalesce(fetched_at, now())
    WHERE id IN (
      SELECT id FROM outbox
      WHERE recipient_code = ${agencyCode} AND status <> 'acknowledged' AND id > ${after ?? '0'}::bigint
      ORDER BY id LIMIT ${limit}
    )
    RETURNING id, envelope, status, published_at`.execute(db);
  const sorted = rows.rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  const items = sorted.map((r) => ({
    ...r.envelope,
    delivery: { status: r.status, publishedAt: r.published_at ? r.published_at.toISOString() : null },
  }));
  const next = sorted.length === limit ? (sorted.at(-1)?.id ?? null) : null;
  return { items, next };
}

/** Records that the agency got the message; true when it was in its inbox (acknowledging twice is fine). */
export async function acknowledge(db: Db, agencyCode: string, messageIds: string[]): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'acknowledged', acknowledged_at: sql`coalesce(acknowledged_at, now())` })
    .where('message_id', 'in', messageIds)
    .where('recipient_code', '=', agencyCode)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
