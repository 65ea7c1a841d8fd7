import type { Db } from './connection.js';

/**
 * One read of a referral in the read audit (DESIGN.md: every read is shown to the region's
 * procuratorate): `what` names the view, e.g. 'view', 'verify' or 'file:<sha256>'.
 */
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
