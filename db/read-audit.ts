import type { Db } from './connection.js';

/** The one writer of `referral_reads`: every read of a referral, who, when and what (DESIGN.md). */
export async function recordRead(
  db: Db,
  referralId: string,
  agencyCode: string,
  what: string,
): Promise<void> {
  await db
    .insertInto('referral_reads')
    .values({ referral_id: referralId, agency_code: agencyCode, what })
    .execute();
}

export async function readsOf(
  db: Db,
  referralId: string,
): Promise<{ agency: string; at: string; what: string }[]> {
  const rows = await db
    .selectFrom('referral_reads')
    .select(['agency_code', 'read_at', 'what'])
    .where('referral_id', '=', referralId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ agency: r.agency_code, at: r.read_at.toISOString(), what: r.what }));
}
