import { UNMET_STATUSES } from '../schemas/deadlines.js';
import type { Duty, Referral } from '../schemas/referral-state.js';
import { type Db, prepared } from './connection.js';
import { SEEN_QUERIES, type StoredAnswer } from './dedup.js';
import { dutyOf, LOADED_DUTY_COLUMNS, type LoadedDutyRow } from './duties.js';
import { LOADED_REFERRAL_COLUMNS, type LoadedReferralRow, referralOf } from './referrals.js';

/** What a batch of commands needs before deciding: referrals, their unmet duties, what was seen before. */
export type BatchState = {
  referrals: Map<string, Referral>;
  duties: Map<string, Duty[]>;
  seenMessages: Set<string>;
  answers: Map<string, StoredAnswer>;
};

const unmet = UNMET_STATUSES.map((s) => `'${s}'`).join(', ');

const LOAD_BATCH = `SELECT
  (SELECT coalesce(json_agg(r), '[]'::json) FROM (
    SELECT ${LOADED_REFERRAL_COLUMNS} FROM referrals WHERE id = ANY($1::uuid[])) r) AS referrals,
  (SELECT coalesce(json_agg(d), '[]'::json) FROM (
    SELECT ${LOADED_DUTY_COLUMNS} FROM duties
    WHERE referral_id = ANY($1::uuid[]) AND status IN (${unmet})) d) AS duties,
  ${SEEN_QUERIES.messages} AS seen,
  ${SEEN_QUERIES.keys} AS answers`;

export const answerKey = (agency: string, key: string) => `${agency}\n${key}`;

/** One query for the whole batch (a named prepared statement). */
export async function loadBatch(
  db: Db,
  need: { referralIds: string[]; messageIds: string[]; keys: { agency: string; key: string }[] },
): Promise<BatchState> {
  const empty: BatchState = {
    referrals: new Map(),
    duties: new Map(),
    seenMessages: new Set(),
    answers: new Map(),
  };
  if (need.referralIds.length + need.messageIds.length + need.keys.length === 0) return empty;
  const [row] = await prepared<{
    referrals: LoadedReferralRow[];
    duties: LoadedDutyRow[];
    seen: string[];
    answers: StoredAnswer[];
  }>(db, 'hub_load_batch_v1', LOAD_BATCH, [
    need.referralIds,
    need.messageIds,
    need.keys.map((k) => k.agency),
    need.keys.map((k) => k.key),
  ]);
  if (!row) return empty;
  for (const r of row.referrals) empty.referrals.set(r.id, referralOf(r));
  for (const d of row.duties) {
    const duty = dutyOf(d);
    empty.duties.set(duty.referralId, [...(empty.duties.get(duty.referralId) ?? []), duty]);
  }
  for (const id of row.seen) empty.seenMessages.add(id);
  for (const a of row.answers) empty.answers.set(answerKey(a.agency_code, a.key), a);
  return empty;
}
