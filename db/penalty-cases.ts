import { randomUUID } from 'node:crypto';
import type { Db } from './connection.js';

export type PenaltyCase = {
  decisionNo: string;
  decidedAt: string;
  amountYuan: number;
  offence: string;
  referralId?: string | undefined;
};

/**
 * The one writer of `penalty_cases`: administrative penalty cases an agency reports, for the 以罚代刑 watch
 * (Decree 310 Art 11). The same decision number twice is recorded once; returns whether it was new.
 */
export async function recordPenaltyCase(
  db: Db,
  agency: { code: string; region: string },
  c: PenaltyCase,
): Promise<boolean> {
  const row = await db
    .insertInto('penalty_cases')
    .values({
      id: randomUUID(),
      agency_code: agency.code,
      region: agency.region,
      decision_no: c.decisionNo,
      decided_at: new Date(c.decidedAt),
      amount_yuan: c.amountYuan,
      offence: c.offence,
      referral_id: c.referralId ?? null,
    })
    .onConflict((oc) => oc.columns(['agency_code', 'decision_no']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
