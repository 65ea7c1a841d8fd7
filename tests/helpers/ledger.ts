import type { TestHub } from './test-hub.js';

/** A referral's ledger rows as stored, in order. */
export function ledgerRows(hub: TestHub, referralId: string) {
  return hub.db
    .selectFrom('ledger_events')
    .selectAll()
    .where('referral_id', '=', referralId)
    .orderBy('seq')
    .execute();
}
