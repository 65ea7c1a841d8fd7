import { UNMET_STATUSES } from '../schemas/deadlines.js';
import type { Duty, LinkedFile, Referral, StoredFileRef } from '../schemas/referral-state.js';
import { type Db, prepared } from './connection.js';
import { SEEN_QUERIES, type StoredAnswer } from './dedup.js';
import { dutyOf, LOADED_DUTY_COLUMNS, type LoadedDutyRow } from './duties.js';
import { LINKED_QUERY, UPLOADS_QUERY } from './files.js';
import { LOADED_REFERRAL_COLUMNS, type LoadedReferralRow, referralOf } from './referrals.js';

/** What a batch of commands needs before deciding: referrals, their unmet duties, what was seen before. */
export type BatchState = {
  referrals: Map<string, Referral>;
  duties: Map<string, Duty[]>;
  seenMessages: Set<string>;
  answers: Map<string, StoredAnswer>;
  /** Per agency, the files it uploaded among those the batch's documents name. */
  uploads: Map<string, Map<string, StoredFileRef>>;
  /** Per referral, the files it carries. */
  linked: Map<string, LinkedFile[]>;
};

const unmet = UNMET_STATUSES.map((s) => `'${s}'`).join(', ');

const LOAD_BATCH = `SELECT
  (SELECT coalesce(json_agg(r), '[]'::json) FROM (
    SELECT ${LOADED_REFERRAL_COLUMNS} FROM referrals WHERE id = ANY($1::uuid[])) r) AS referrals,
  (SELECT coalesce(json_agg(d), '[]'::json) FROM (
    SELECT ${LOADED_DUTY_COLUMNS} FROM duties
    WHERE referral_id = ANY($1::uuid[]) AND status IN (${unmet})) d) AS duties,
  ${SEEN_QUERIES.messages} AS seen,
  ${SEEN_QUERIES.keys} AS answers,
  ${UPLOADS_QUERY} AS uploads,
  ${LINKED_QUERY} AS linked`;

export function emptyBatchState(): BatchState {
  return {
    referrals: new Map(),
    duties: new Map(),
    seenMessages: new Set(),
    answers: new Map(),
    uploads: new Map(),
    linked: new Map(),
  };
}

export const answerKey = (agency: string, key: string) => `${agency}\n${key}`;

/** One query for the whole batch (a named prepared statement). */
export async function loadBatch(
  db: Db,
  need: {
    referralIds: string[];
    messageIds: string[];
    keys: { agency: string; key: string }[];
    files: { agency: string; sha256: string }[];
  },
): Promise<BatchState> {
  const empty = emptyBatchState();
  const wanted = need.referralIds.length + need.messageIds.length + need.keys.length + need.files.length;
  if (wanted === 0) return empty;
  const [row] = await prepared<{
    referrals: LoadedReferralRow[];
    duties: LoadedDutyRow[];
    seen: string[];
    answers: StoredAnswer[];
    uploads: { agency_code: string; sha256: string; size: string | number; media_type: string }[];
    linked: {
      referral_id: string;
      sha256: string;
      size: string | number;
      media_type: string;
      document_type: string | null;
      title: string | null;
    }[];
  }>(db, 'hub_load_batch_v4', LOAD_BATCH, [
    need.referralIds,
    need.messageIds,
    need.keys.map((k) => k.agency),
    need.keys.map((k) => k.key),
    need.files.map((f) => f.agency),
    need.files.map((f) => f.sha256),
  ]);
  if (!row) return empty;
  for (const r of row.referrals) empty.referrals.set(r.id, referralOf(r));
  for (const d of row.duties) {
    const duty = dutyOf(d);
    empty.duties.set(duty.referralId, [...(empty.duties.get(duty.referralId) ?? []), duty]);
  }
  for (const id of row.seen) empty.seenMessages.add(id);
  for (const a of row.answers) empty.answers.set(answerKey(a.agency_code, a.key), a);
  for (const u of row.uploads) {
    const mine = empty.uploads.get(u.agency_code) ?? new Map<string, StoredFileRef>();
    mine.set(u.sha256, { sha256: u.sha256, size: Number(u.size), mediaType: u.media_type });
    empty.uploads.set(u.agency_code, mine);
  }
  for (const l of row.linked) {
    const list = empty.linked.get(l.referral_id) ?? [];
    list.push({
      sha256: l.sha256,
      size: Number(l.size),
      mediaType: l.media_type,
      documentType: l.document_type,
      title: l.title,
    });
    empty.linked.set(l.referral_id, list);
  }
  return empty;
}
