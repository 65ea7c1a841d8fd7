import { sql } from 'kysely';
import type { PartyRole, State } from '../schemas/lifecycle.js';
import type { ReferralKind } from '../schemas/referral.js';
import type { Db } from './connection.js';
import { GENESIS_HASH, hashLink } from './ledger-hash.js';

export type ReferralRow = {
  id: string;
  kind: ReferralKind;
  state: State;
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
};

/**
 * The referral's current row; with `seenMessageId`, also whether that message was already processed, in
 * the same round trip (the intake's de-duplication check).
 */
export async function loadReferralRow(
  db: Db,
  id: string,
  seenMessageId?: string,
): Promise<(ReferralRow & { seen?: boolean }) | undefined> {
  const row = await db
    .selectFrom('referrals')
    .$if(seenMessageId !== undefined, (q) =>
      q.select(
        sql<boolean>`EXISTS (SELECT 1 FROM processed_messages WHERE message_id = ${seenMessageId ?? null}::uuid)`.as(
          'seen',
        ),
      ),
    )
    .select([
      'id',
      'kind',
      'state',
      'version',
      'sender_code',
      'recipient_code',
      'procuratorate_code',
      'copy_codes',
      'participant_codes',
      'region',
      'late',
      'head_seq',
      'head_hash',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  return row as (ReferralRow & { seen?: boolean }) | undefined;
}

export type Parties = { sender: string; recipient: string; procuratorate: string | null; copies: string[] };

export function partiesOf(
  row: Pick<ReferralRow, 'sender_code' | 'recipient_code' | 'procuratorate_code' | 'copy_codes'>,
): Parties {
  return {
    sender: row.sender_code,
    recipient: row.recipient_code,
    procuratorate: row.procuratorate_code,
    copies: row.copy_codes,
  };
}

/** The roles an agency holds in a referral; none means it is not a party. */
export function rolesOf(parties: Parties, agencyCode: string): PartyRole[] {
  const roles: PartyRole[] = [];
  if (parties.sender === agencyCode) roles.push('sender');
  if (parties.recipient === agencyCode) roles.push('recipient');
  if (parties.procuratorate === agencyCode) roles.push('procuratorate');
  if (parties.copies.includes(agencyCode)) roles.push('copy');
  return roles;
}

export type LedgerEntry = {
  seq: number;
  event: string;
  action: string;
  actor: string;
  occurredAt: string;
  recordedAt: string;
  payload: Record<string, unknown>;
  messageId: string | null;
  prevHash: string;
  hash: string;
};

export async function loadLedger(db: Db, referralId: string): Promise<LedgerEntry[]> {
  const rows = await db
    .selectFrom('ledger_events')
    .selectAll()
    .where('referral_id', '=', referralId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    event: r.event,
    action: r.action,
    actor: r.actor_code,
    occurredAt: new Date(r.occurred_at).toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    payload: r.payload,
    messageId: r.message_id,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
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

export type DutyView = {
  id: string;
  rule: string;
  title: string;
  source: string;
  responsible: string;
  counterparty: string | null;
  period: { amount: number; unit: string };
  startedAt: string;
  warnAt: string;
  dueAt: string;
  status: string;
  window: boolean;
  closedAt: string | null;
};

export async function loadDuties(db: Db, referralId: string): Promise<DutyView[]> {
  const rows = await db
    .selectFrom('duties')
    .selectAll()
    .where('referral_id', '=', referralId)
    .orderBy('started_at')
    .orderBy('rule_id')
    .execute();
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return rows.map((r) => ({
    id: r.id,
    rule: r.rule_id,
    title: r.title,
    source: r.source,
    responsible: r.responsible_code,
    counterparty: r.counterparty_code,
    period: { amount: r.amount, unit: r.unit },
    startedAt: iso(r.started_at)!,
    warnAt: iso(r.warn_at)!,
    dueAt: iso(r.due_at)!,
    status: r.status,
    window: r.is_window,
    closedAt: iso(r.closed_at),
  }));
}

export async function readReferral(db: Db, id: string): Promise<ReferralView | undefined> {
  const row = await db.selectFrom('referrals').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
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
    submission: row.submission,
    approvedAt: row.approved_at ? new Date(row.approved_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    head: { seq: row.head_seq, hash: row.head_hash },
    ledger: await loadLedger(db, id),
    duties: await loadDuties(db, id),
  };
}

export type ChainBreak = {
  seq: number;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_gap' | 'head_mismatch';
};
export type Verification = {
  referralId: string;
  valid: boolean;
  events: number;
  head: string;
  breaks: ChainBreak[];
};

/** Recomputes every link of a referral's chain from the stored columns and compares with the head. */
export async function verifyChain(db: Db, referralId: string): Promise<Verification | undefined> {
  const referral = await db
    .selectFrom('referrals')
    .select(['head_seq', 'head_hash'])
    .where('id', '=', referralId)
    .executeTakeFirst();
  if (!referral) return undefined;
  const ledger = await loadLedger(db, referralId);
  const breaks: ChainBreak[] = [];
  let prev = GENESIS_HASH;
  ledger.forEach((entry, index) => {
    if (entry.seq !== index + 1) breaks.push({ seq: entry.seq, reason: 'seq_gap' });
    if (entry.prevHash !== prev) breaks.push({ seq: entry.seq, reason: 'prev_hash_mismatch' });
    const recomputed = hashLink({
      referralId,
      seq: entry.seq,
      event: entry.event,
      action: entry.action,
      actor: entry.actor,
      occurredAt: entry.occurredAt,
      payload: entry.payload,
      prevHash: entry.prevHash,
    });
    if (recomputed !== entry.hash) breaks.push({ seq: entry.seq, reason: 'hash_mismatch' });
    prev = entry.hash;
  });
  const last = ledger.at(-1);
  if (!last || last.seq !== referral.head_seq || last.hash !== referral.head_hash) {
    breaks.push({ seq: referral.head_seq, reason: 'head_mismatch' });
  }
  return { referralId, valid: breaks.length === 0, events: ledger.length, head: referral.head_hash, breaks };
}
