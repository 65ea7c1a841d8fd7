import type { DurationUnit } from './calendar.js';
import { type DutyStatus, OWED_STATUSES } from './deadlines.js';
import type { PartyRole, State } from './lifecycle.js';
import type { ReferralKind } from './referral.js';

/** Who holds which role in a referral. */
export type Parties = { sender: string; recipient: string; procuratorate: string | null; copies: string[] };

/** A referral as the decision sees it and the database stores it: everything evolve() derives from the ledger. */
export type Referral = {
  id: string;
  kind: ReferralKind;
  state: State;
  version: number;
  parties: Parties;
  /** Everyone who ever was a party (a forward adds the new recipient). */
  participants: string[];
  region: string;
  late: boolean;
  head: { seq: number; hash: string };
  /** First time each event happened (statistics). */
  milestones: Record<string, string>;
  /** What the statistics group by (decline reason, handling outcome, …). */
  facts: Record<string, unknown>;
  submission: Record<string, unknown>;
  approvedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

/** A duty: who owes what to whom by when, opened and closed by ledger events. */
export type Duty = {
  id: string;
  referralId: string;
  ruleId: string;
  region: string;
  window: boolean;
  responsible: string;
  counterparty: string | null;
  amount: number;
  unit: DurationUnit;
  startedAt: string;
  warnAt: string;
  dueAt: string;
  /** The due time rests on a year without the State Council's notice: it may move when the year is loaded. */
  provisional: boolean;
  /** The years without a notice that the count consulted (empty when not provisional). */
  provisionalYears: number[];
  status: DutyStatus;
  openedSeq: number;
  closedSeq: number | null;
  closedAt: string | null;
};

/** A change of a duty's status a step makes: fulfilled (met, met_late), warned or overdue. */
export type DutyChange = {
  id: string;
  status: DutyStatus;
  closedAt?: string;
  closedSeq?: number;
  warnedAt?: string;
  overdueAt?: string;
  /** A moved due time (an extended period, a period recounted when the year's calendar came). */
  dueAt?: string;
  warnAt?: string;
  amount?: number;
  provisional?: boolean;
  provisionalYears?: number[];
};

/**
 * A duty after a change (what the writer's `changed_duties` does in SQL): the change's fields over the
 * duty's, and a duty owed again (a lapsed window whose due time moved ahead) is no longer closed.
 */
export function applyDutyChange(duty: Duty, change: DutyChange): Duty {
  const owed = (OWED_STATUSES as readonly string[]).includes(change.status);
  return {
    ...duty,
    status: change.status,
    closedAt: owed ? null : (change.closedAt ?? duty.closedAt),
    closedSeq: owed ? null : (change.closedSeq ?? duty.closedSeq),
    dueAt: change.dueAt ?? duty.dueAt,
    warnAt: change.warnAt ?? duty.warnAt,
    amount: change.amount ?? duty.amount,
    provisional: change.provisional ?? duty.provisional,
    provisionalYears: change.provisionalYears ?? duty.provisionalYears,
  };
}

/** A stored case file (its bytes in the hub, addressed by their SHA-256). */
export type StoredFileRef = { sha256: string; size: number; mediaType: string };

/** A file a referral carries, as a document of its package. */
export type LinkedFile = StoredFileRef & { documentType: string | null; title: string | null };

/** One event of a referral's chain. */
export type LedgerEvent = {
  referralId: string;
  seq: number;
  event: string;
  action: string;
  actor: string;
  occurredAt: string;
  payload: Record<string, unknown>;
  messageId: string | null;
  prevHash: string;
  hash: string;
};

export function rolesOf(parties: Parties, agencyCode: string): PartyRole[] {
  const roles: PartyRole[] = [];
  if (parties.sender === agencyCode) roles.push('sender');
  if (parties.recipient === agencyCode) roles.push('recipient');
  if (parties.procuratorate === agencyCode) roles.push('procuratorate');
  if (parties.copies.includes(agencyCode)) roles.push('copy');
  return roles;
}

export function codesOf(parties: Parties, role: PartyRole): string[] {
  switch (role) {
    case 'sender':
      return [parties.sender];
    case 'recipient':
      return [parties.recipient];
    case 'procuratorate':
      return parties.procuratorate ? [parties.procuratorate] : [];
    case 'copy':
      return parties.copies;
    default: {
      const never: never = role;
      throw new Error(`unknown role ${String(never)}`);
    }
  }
}
