import type { DeliveryChannel } from './agency.js';
import type { FileLink } from './attachments.js';
import type { State } from './lifecycle.js';
import type { ReferralKind } from './referral.js';
import type { Duty, DutyChange, LedgerEvent, Referral } from './referral-state.js';

/** A ledger event with its payload already written as canonical JSON (the bytes its hash covers). */
export type SealedEvent = LedgerEvent & { payloadJson: string };

/** One message to one agency; `body` is the whole envelope as JSON text, written once. */
export type Outgoing = {
  messageId: string;
  recipient: string;
  channel: DeliveryChannel;
  type: string;
  referralId: string | null;
  correlationId: string | null;
  body: string;
};

/** 案情通报: a briefing row. */
export type BriefingRecord = {
  id: string;
  sender: string;
  referralId: string | null;
  subject: string;
  body: string;
  recipients: string[];
  region: string;
  createdAt: string;
};

export type ReferralResult = {
  id: string;
  kind: ReferralKind;
  state: State;
  version: number;
  sender: string;
  recipient: string;
  procuratorate: string | null;
  copies: string[];
  late: boolean;
  seq: number;
  hash: string;
};

export type BriefingResult = {
  id: string;
  referralId: string | null;
  recipients: string[];
  createdAt: string;
};

/**
 * Everything a decision decided: the referral before and after, the ledger events, the messages, the
 * duties opened and changed, a briefing; written at once, guarded by the referral's version (or, for a new
 * referral or briefing, by its id).
 */
export type ReferralStep = {
  kind: 'referral';
  before: Referral | null;
  after: Referral;
  events: SealedEvent[];
  outgoing: Outgoing[];
  opens: Duty[];
  changes: DutyChange[];
  briefing?: BriefingRecord;
  /** Files the step attaches to the referral (Decree 310 Art 6: the package travels with it). */
  links?: FileLink[];
  result: ReferralResult;
};

export type BriefingStep = {
  kind: 'briefing';
  briefing: BriefingRecord;
  outgoing: Outgoing[];
  result: BriefingResult;
};

export type Step = ReferralStep | BriefingStep;

/** The id a step's write is guarded by. */
export function guardOf(step: Step): string {
  return step.kind === 'referral' ? step.after.id : step.briefing.id;
}

export function resultOf(referral: Referral): ReferralResult {
  return {
    id: referral.id,
    kind: referral.kind,
    state: referral.state,
    version: referral.version,
    sender: referral.parties.sender,
    recipient: referral.parties.recipient,
    procuratorate: referral.parties.procuratorate,
    copies: referral.parties.copies,
    late: referral.late,
    seq: referral.head.seq,
    hash: referral.head.hash,
  };
}
