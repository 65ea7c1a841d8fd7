import { sql } from 'kysely';
import { submissionOf } from '../schemas/evolve.js';
import type { State } from '../schemas/lifecycle.js';
import type { ReferralKind } from '../schemas/referral.js';
import type { Parties, Referral } from '../schemas/referral-state.js';
import type { Db } from './connection.js';
import { type DutyView, loadDuties } from './duties.js';
import { type LedgerEntry, loadLedger } from './ledger.js';

/**
 * The one writer of `referrals`: a new referral (inserted unless its id exists — the id of an idempotent
 * submission is derived from its key, so a concurrent duplicate loses here) and a referral moved by one or
 * more steps (guarded by the version it was loaded at: zero rows is a lost race, decided again).
 */
export const REFERRAL_INPUTS = {
  created: {
    name: 'in_new_referrals',
    columns: `id uuid, kind text, state text, sender_code text, recipient_code text, procuratorate_code text,
      copy_codes text[], participant_codes text[], region text, approved_at timestamptz, late boolean,
      version int, head_seq int, head_hash text, created_at timestamptz, updated_at timestamptz,
      milestones jsonb, facts jsonb`,
  },
  moved: {
    name: 'in_moved_referrals',
    columns: `id uuid, expected_version int, state text, recipient_code text, participant_codes text[],
      late boolean, version int, head_seq int, head_hash text, updated_at timestamptz, milestones jsonb,
      facts jsonb`,
  },
} as const;

/**
 * The submission is not kept on the row: it is the first ledger event's payload less the hub's own keys
 * (`submissionOf`), and a row copied at every step would carry it again each time (issue 16).
 */
export const REFERRAL_WRITES = `
  new_referrals AS (
    INSERT INTO referrals (id, kind, state, sender_code, recipient_code, procuratorate_code, copy_codes,
      participant_codes, region, approved_at, late, version, head_seq, head_hash, created_at,
      updated_at, milestones, facts)
    SELECT r.id, r.kind, r.state, r.sender_code, r.recipient_code, r.procuratorate_code, r.copy_codes,
      r.participant_codes, r.region, r.approved_at, r.late, r.version, r.head_seq,
      r.head_hash, r.created_at, r.updated_at, r.milestones, r.facts
    FROM in_new_referrals r
    ON CONFLICT (id) DO NOTHING
    RETURNING id
  ),
  moved_referrals AS (
    UPDATE referrals t SET state = u.state, recipient_code = u.recipient_code,
      participant_codes = u.participant_codes, late = u.late, version = u.version, head_seq = u.head_seq,
      head_hash = u.head_hash, updated_at = u.updated_at, milestones = u.milestones, facts = u.facts
    FROM in_moved_referrals u
    WHERE t.id = u.id AND t.version = u.expected_version
    RETURNING t.id
  )`;

export function createdRow(after: Referral) {
  return {
    id: after.id,
    kind: after.kind,
    state: after.state,
    sender_code: after.parties.sender,
    recipient_code: after.parties.recipient,
    procuratorate_code: after.parties.procuratorate,
    copy_codes: after.parties.copies,
    participant_codes: after.participants,
    region: after.region,
    approved_at: after.approvedAt,
    late: after.late,
    version: after.version,
    head_seq: after.head.seq,
    head_hash: after.head.hash,
    created_at: after.createdAt,
    updated_at: after.updatedAt,
    milestones: after.milestones,
    facts: after.facts,
  };
}

/**
 * The case titles of the referrals a page shows (a list, the backlog), from their first events: one lookup
 * by primary key per referral, made after the page is chosen. A subquery in the page's own select ran for
 * every row the query grouped or sorted before its LIMIT (the backlog of a region of 25,000 referrals: 400 ms).
 */
export async function caseTitles(db: Db, ids: readonly string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ referral_id: string; title: string | null }>`
    SELECT referral_id, payload->'caseSummary'->>'title' AS title FROM ledger_events
    WHERE referral_id = ANY(${[...new Set(ids)]}::uuid[]) AND seq = 1`.execute(db);
  return new Map(rows.map((r) => [r.referral_id, r.title]));
}

export function movedRow(expectedVersion: number, after: Referral) {
  return {
    id: after.id,
    expected_version: expectedVersion,
    state: after.state,
    recipient_code: after.parties.recipient,
    participant_codes: after.participants,
    late: after.late,
    version: after.version,
    head_seq: after.head.seq,
    head_hash: after.head.hash,
    updated_at: after.updatedAt,
    milestones: after.milestones,
    facts: after.facts,
  };
}

/** A referral row as loaded for a decision (JSON from the batch load). */
export type LoadedReferralRow = {
  id: string;
  kind: string;
  state: string;
  version: number;
  sender_code: string;
  recipient_code: string;
  procuratorate_code: string | null;
  copy_codes: string[];
  participant_codes: string[];
  region: string;
  late: boolean;
  head_seq: number;
  head_hash: string;
  milestones: Record<string, string>;
  facts: Record<string, unknown>;
  approved_at: string | null;
  created_at: string;
  updated_at: string;
};

export const LOADED_REFERRAL_COLUMNS = `id, kind, state, version, sender_code, recipient_code, procuratorate_code,
  copy_codes, participant_codes, region, late, head_seq, head_hash, milestones, facts, approved_at, created_at,
  updated_at`;

const iso = (value: string | Date | null) => (value === null ? null : new Date(value).toISOString());

/** The decision's referral; the submission is not loaded (no decision reads it; the write never changes it). */
export function referralOf(row: LoadedReferralRow): Referral {
  return {
    id: row.id,
    kind: row.kind as ReferralKind,
    state: row.state as State,
    version: row.version,
    parties: partiesOf(row),
    participants: row.participant_codes,
    region: row.region,
    late: row.late,
    head: { seq: row.head_seq, hash: row.head_hash },
    milestones: row.milestones,
    facts: row.facts,
    submission: {},
    approvedAt: iso(row.approved_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

export function partiesOf(
  row: Pick<LoadedReferralRow, 'sender_code' | 'recipient_code' | 'procuratorate_code' | 'copy_codes'>,
): Parties {
  return {
    sender: row.sender_code,
    recipient: row.recipient_code,
    procuratorate: row.procuratorate_code,
    copies: row.copy_codes,
  };
}

export type ReferralView = {
  id: string;
  /** Everyone who ever was a party (a forward adds the new recipient). */
  participants: string[];
  kind: ReferralKind;
  state: State;
  version: number;
  region: string;
  late: boolean;
  /** The case files were returned with a decline (and not taken back by a later filing). */
  documentsReturned: boolean;
  parties: Parties;
  submission: Record<string, unknown>;
  approvedAt: string | null;
  createdAt: string;
  updatedAt: string;
  head: { seq: number; hash: string };
  ledger: LedgerEntry[];
  duties: DutyView[];
};

export async function readReferral(db: Db, id: string): Promise<ReferralView | undefined> {
  const row = await db.selectFrom('referrals').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [ledger, duties] = await Promise.all([loadLedger(db, id), loadDuties(db, id)]);
  return {
    id: row.id,
    participants: row.participant_codes,
    kind: row.kind as ReferralKind,
    state: row.state as State,
    version: row.version,
    region: row.region,
    late: row.late,
    documentsReturned: (row.facts as { documentsReturned?: boolean }).documentsReturned === true,
    parties: partiesOf(row),
    submission: submissionOf(row.kind, ledger[0]?.payload ?? {}),
    approvedAt: iso(row.approved_at as Date | null),
    createdAt: iso(row.created_at as Date)!,
    updatedAt: iso(row.updated_at as Date)!,
    head: { seq: row.head_seq, hash: row.head_hash },
    ledger,
    duties,
  };
}

/** Where a referral is and who its parties are (for checks outside the command path, e.g. downloads). */
export async function referralHead(
  db: Db,
  id: string,
): Promise<{ kind: ReferralKind; region: string; participants: string[]; parties: Parties } | undefined> {
  const row = await db
    .selectFrom('referrals')
    .select([
      'kind',
      'region',
      'participant_codes',
      'sender_code',
      'recipient_code',
      'procuratorate_code',
      'copy_codes',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    kind: row.kind as ReferralKind,
    region: row.region,
    participants: row.participant_codes,
    parties: partiesOf(row),
  };
}
