import { assertNever } from './actions.js';
import { targetOf } from './lifecycle.js';
import { participantsOf } from './parties.js';
import type { ReferralKind } from './referral.js';
import type { LedgerEvent, Parties, Referral } from './referral-state.js';

/** The action the deadline watcher records its alarms under; it moves no state. */
export const WATCH_ACTION = 'watch_deadline';

/**
 * Keys the hub adds to a ledger payload beside the command's own fields: the duties it opened, a replay's
 * origin, the agency's signature with what it covers (issue 15), and a transfer's lateness.
 */
const LEDGER_KEYS = ['duties', 'replayOf', 'signed'];

/** The submission as the agency sent it: the first event's payload less the keys the hub adds to it. */
export function submissionOf(kind: string, firstPayload: Record<string, unknown>): Record<string, unknown> {
  const dropped = kind === 'criminal_transfer' ? [...LEDGER_KEYS, 'late'] : LEDGER_KEYS;
  return Object.fromEntries(Object.entries(firstPayload).filter(([key]) => !dropped.includes(key)));
}

/**
 * A referral from its first ledger event. The parties are not on the ledger (the copy recipients follow
 * from the directory and the region's settings when it was submitted): the decision passes them in, and a
 * replay resolves them the same way.
 */
export function createReferral(event: LedgerEvent, init: { parties: Parties; region: string }): Referral {
  const payload = event.payload;
  const kind = payload.kind as ReferralKind;
  const target = targetOf(kind, null, event.action);
  if (!target || event.seq !== 1)
    throw new Error(`event ${event.seq} ${event.action} does not create a ${kind}`);
  const late = payload.late === true;
  const submission = submissionOf(kind, payload);
  return {
    id: event.referralId,
    kind,
    state: target.to,
    version: 1,
    parties: init.parties,
    participants: participantsOf(init.parties),
    region: init.region,
    late,
    head: { seq: event.seq, hash: event.hash },
    milestones: { [target.event]: event.occurredAt },
    facts: submissionFacts(kind, payload, late),
    submission,
    approvedAt: typeof payload.approvedAt === 'string' ? new Date(payload.approvedAt).toISOString() : null,
    createdAt: event.occurredAt,
    updatedAt: event.occurredAt,
  };
}

/** The referral after one more ledger event: state, recipient, milestones, facts, version and head. */
export function evolve(referral: Referral, event: LedgerEvent): Referral {
  if (event.seq !== referral.head.seq + 1) {
    throw new Error(`event ${event.seq} does not follow ${referral.head.seq} on ${referral.id}`);
  }
  const moved = {
    ...referral,
    version: referral.version + 1,
    head: { seq: event.seq, hash: event.hash },
    updatedAt: event.occurredAt,
  };
  if (event.action === WATCH_ACTION) return moved;
  const target = targetOf(referral.kind, referral.state, event.action);
  if (!target) throw new Error(`no ${event.action} from ${referral.state} in a ${referral.kind}`);
  const to = typeof event.payload.to === 'string' ? event.payload.to : undefined;
  // Decree 310 Art 7 / Supervision Law Art 35: the competent organ becomes the recipient.
  const parties =
    event.action === 'forward' && to ? { ...referral.parties, recipient: to } : referral.parties;
  return {
    ...moved,
    state: target.to,
    parties,
    participants: [...new Set([...referral.participants, ...participantsOf(parties)])],
    milestones:
      target.event in referral.milestones
        ? referral.milestones
        : { ...referral.milestones, [target.event]: event.occurredAt },
    facts: { ...referral.facts, ...actionFacts(event.action, event.payload) },
  };
}

/** Replays a referral's whole chain. */
export function replay(events: readonly LedgerEvent[], init: { parties: Parties; region: string }): Referral {
  const [first, ...rest] = events;
  if (!first) throw new Error('an empty chain');
  return rest.reduce(evolve, createReferral(first, init));
}

/** What the statistics group by, from an action's fields. */
function actionFacts(action: string, payload: Record<string, unknown>): Record<string, unknown> {
  switch (action) {
    case 'decline':
      return { declineReason: payload.reasonCode, documentsReturned: true };
    case 'file':
      return { documentsReturned: false };
    case 'report_handling':
      return {
        handlingOutcome: payload.outcome,
        ...(payload.amountYuan === undefined ? {} : { penaltyYuan: payload.amountYuan }),
      };
    case 'report_progress':
      return { progressStage: payload.stage };
    case 'forward':
      return { forwarded: true };
    case 'answer_outside_remit':
      return { outsideRemit: true };
    case 'withdraw_case':
      return { caseWithdrawn: true };
    case 'transfer_case':
      return { caseTransferred: true };
    case 'answer_opinion':
      return { opinionOutcome: payload.outcome };
    default:
      return {};
  }
}

function submissionFacts(
  kind: ReferralKind,
  payload: Record<string, unknown>,
  late: boolean,
): Record<string, unknown> {
  switch (kind) {
    case 'criminal_transfer': {
      const prior = (payload.priorPenalties ?? []) as { decisionNo: string }[];
      const facts: Record<string, unknown> = { late, priorPenalties: prior.map((p) => p.decisionNo) };
      if (payload.economicCrime === true) facts.economicCrime = true;
      return facts;
    }
    case 'reverse_transfer':
      return { basis: payload.basis };
    case 'duty_clue':
      return { suspectedConduct: payload.suspectedConduct };
    case 'transfer_opinion':
      return {};
    default:
      return assertNever(kind);
  }
}
