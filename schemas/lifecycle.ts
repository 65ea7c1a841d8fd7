import { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type { ReferralKind } from './referral.js';

/**
 * A party's role in one referral; who may act is a role, not an agency. `copy` is an extra copy recipient
 * a region configures (e.g. the justice bureau, Sichuan decision L2).
 */
export const PARTY_ROLES = ['sender', 'recipient', 'procuratorate', 'copy'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/**
 * One row of the lifecycle: in state `from` (null: the action creates the referral) the party holding role
 * `actor` may take `action`; the referral moves to `to`, the ledger records `event` (the state's name
 * unless given), the roles in `notify` are told (after the step, so a forward tells the new recipient),
 * and the deadline rules in `opens` start (schemas/deadlines.ts says who owes what and what fulfils it).
 */
type RowSpec = {
  readonly from: string | null;
  readonly action: string;
  readonly actor: PartyRole;
  readonly to: string;
  readonly event?: string;
  readonly notify: readonly PartyRole[];
  readonly opens?: readonly string[];
  /** The action is allowed only once one of these duties is past its due time (e.g. the police overran). */
  readonly requires?: readonly string[];
  readonly source: string;
};

// biome-ignore format: one row a line
const CRIMINAL_TRANSFER = [
  // 移送 with 抄送 to the procuratorate (and the region's extra copy recipient); withdrawn before receipt.
  { from: null, action: 'submit', actor: 'sender', to: 'submitted', notify: ['recipient', 'procuratorate', 'copy'], opens: ['send_after_approval', 'receipt_due'], source: 'Decree 310 Art 5, 6' },
  { from: 'submitted', action: 'withdraw', actor: 'sender', to: 'withdrawn', notify: ['recipient', 'procuratorate', 'copy'], source: 'hub rule: withdrawal before receipt' },
  // 接受: the review runs from the acceptance the receipt states; supplement and forward within 24 h of it.
  { from: 'submitted', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender', 'procuratorate'], opens: ['filing_decision_due', 'supplement_request_window', 'forward_window'], source: 'Decree 310 Art 7, 8; MPS Art 175, 180' },
  { from: 'forwarded', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender', 'procuratorate'], opens: ['filing_decision_due', 'supplement_request_window', 'forward_window'], source: 'Decree 310 Art 7, 8; MPS Art 175, 180' },
  // 补正: a transfer may not be refused for incomplete materials; the police file or decline meanwhile.
  { from: 'receipted', action: 'request_supplement', actor: 'recipient', to: 'supplement_requested', notify: ['sender', 'procuratorate'], opens: ['supplement_due'], source: 'MPS Art 180(2)' },
  { from: 'supplement_requested', action: 'supplement', actor: 'sender', to: 'receipted', event: 'supplemented', notify: ['recipient', 'procuratorate'], source: 'MPS Art 180(2)' },
  { from: 'supplement_requested', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'Decree 310 Art 8; MPS Art 180(2)' },
  { from: 'supplement_requested', action: 'decline', actor: 'recipient', to: 'declined', notify: ['sender', 'procuratorate', 'copy'], opens: ['reconsideration_request_window'], source: 'Decree 310 Art 8; MPS Art 180(2)' },
  // The police state what files they received and checked; a file that does not match is reported.
  { from: 'receipted', action: 'report_file_mismatch', actor: 'recipient', to: 'receipted', event: 'file_mismatch_reported', notify: ['sender', 'procuratorate'], source: 'Decree 310 Art 6 (the package complete); MPS Art 180(2)' },
  { from: 'supplement_requested', action: 'report_file_mismatch', actor: 'recipient', to: 'supplement_requested', event: 'file_mismatch_reported', notify: ['sender', 'procuratorate'], source: 'Decree 310 Art 6 (the package complete); MPS Art 180(2)' },
  // 经济犯罪: the review extended with approval, 3 → 10 → 30 (+30) days; the duty moves.
  { from: 'receipted', action: 'extend_review', actor: 'recipient', to: 'receipted', event: 'review_extended', notify: ['sender', 'procuratorate'], source: 'SPP/MPS 经济犯罪案件若干规定 (2017) Art 16' },
  { from: 'supplement_requested', action: 'extend_review', actor: 'recipient', to: 'supplement_requested', event: 'review_extended', notify: ['sender', 'procuratorate'], source: 'SPP/MPS 经济犯罪案件若干规定 (2017) Art 16' },
  // 转送 to the competent organ within 24 h; 不属于公安机关职责: a written answer to the agency.
  { from: 'receipted', action: 'forward', actor: 'recipient', to: 'forwarded', notify: ['sender', 'recipient', 'procuratorate'], opens: ['receipt_due'], source: 'Decree 310 Art 7; MPS Art 175' },
  { from: 'receipted', action: 'answer_outside_remit', actor: 'recipient', to: 'outside_remit', event: 'answered_outside_remit', notify: ['sender', 'procuratorate'], source: 'MPS Art 180(3)' },
  { from: 'outside_remit', action: 'report_handling', actor: 'sender', to: 'administratively_handled', notify: ['procuratorate', 'recipient'], source: 'Decree 310 Art 10; MPS Art 180(3)' },
  { from: 'outside_remit', action: 'close', actor: 'sender', to: 'closed', notify: ['recipient', 'procuratorate', 'copy'], source: 'hub rule: sent on to the competent organ' },
  // 立案 / 不予立案 (files returned), within 3 days of acceptance.
  { from: 'receipted', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'Decree 310 Art 8' },
  { from: 'receipted', action: 'decline', actor: 'recipient', to: 'declined', notify: ['sender', 'procuratorate', 'copy'], opens: ['reconsideration_request_window'], source: 'Decree 310 Art 8' },
  { from: 'filed', action: 'hand_over_goods', actor: 'sender', to: 'goods_handed_over', notify: ['recipient', 'procuratorate'], source: 'Decree 310 Art 12' },
  { from: 'filed', action: 'report_progress', actor: 'recipient', to: 'filed', event: 'progress', notify: ['sender', 'procuratorate'], source: 'MPS Art 184, 189' },
  { from: 'goods_handed_over', action: 'report_progress', actor: 'recipient', to: 'goods_handed_over', event: 'progress', notify: ['sender', 'procuratorate'], source: 'MPS Art 184, 189' },
  // 撤销案件 / 移送管辖 after filing, reported within 3 days; a withdrawn case may come back for handling.
  { from: 'filed', action: 'withdraw_case', actor: 'recipient', to: 'case_withdrawn', event: 'case_withdrawn', notify: ['sender', 'procuratorate', 'copy'], opens: ['report_withdrawal_due'], source: 'MPS Art 186, 189' },
  { from: 'goods_handed_over', action: 'withdraw_case', actor: 'recipient', to: 'case_withdrawn', event: 'case_withdrawn', notify: ['sender', 'procuratorate', 'copy'], opens: ['report_withdrawal_due'], source: 'MPS Art 186, 189' },
  { from: 'filed', action: 'transfer_case', actor: 'recipient', to: 'case_transferred', event: 'case_transferred', notify: ['sender', 'procuratorate'], opens: ['report_transfer_due'], source: 'MPS Art 184' },
  { from: 'goods_handed_over', action: 'transfer_case', actor: 'recipient', to: 'case_transferred', event: 'case_transferred', notify: ['sender', 'procuratorate'], opens: ['report_transfer_due'], source: 'MPS Art 184' },
  { from: 'case_withdrawn', action: 'return_for_handling', actor: 'recipient', to: 'returned_for_handling', notify: ['sender', 'procuratorate', 'copy'], opens: ['handling_report_due'], source: 'MPS Art 187; Decree 310 Art 13' },
  { from: 'returned_for_handling', action: 'report_handling', actor: 'sender', to: 'administratively_handled', notify: ['procuratorate', 'recipient'], source: 'Decree 310 Art 10, 13' },
  // 复议, and the police correcting themselves on new facts.
  { from: 'declined', action: 'request_reconsideration', actor: 'sender', to: 'reconsideration_requested', notify: ['recipient', 'procuratorate'], opens: ['reconsideration_decision_due'], source: 'Decree 310 Art 9(1)' },
  { from: 'reconsideration_requested', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'Decree 310 Art 9(2)' },
  { from: 'reconsideration_requested', action: 'uphold_decline', actor: 'recipient', to: 'decline_upheld', notify: ['sender', 'procuratorate', 'copy'], opens: ['supervision_request_window'], source: 'Decree 310 Art 9(2)' },
  { from: 'declined', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'MPS Art 178(3)' },
  { from: 'decline_upheld', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'MPS Art 178(3)' },
  // 立案监督: asked by the agency after a decline, or once the police overran their period; or opened by
  // the procuratorate itself; reviewed, with reasons demanded, closed, or filing ordered.
  { from: 'declined', action: 'request_supervision', actor: 'sender', to: 'supervision_requested', notify: ['procuratorate', 'recipient'], opens: ['supervision_review_due'], source: 'Decree 310 Art 9(1)' },
  { from: 'decline_upheld', action: 'request_supervision', actor: 'sender', to: 'supervision_requested', notify: ['procuratorate', 'recipient'], opens: ['supervision_review_due'], source: 'Decree 310 Art 9(2)' },
  { from: 'submitted', action: 'request_supervision', actor: 'sender', to: 'supervision_requested', notify: ['procuratorate', 'recipient'], opens: ['supervision_review_due'], requires: ['receipt_due'], source: 'Decree 310 Art 17; SPP Rules Art 562' },
  { from: 'receipted', action: 'request_supervision', actor: 'sender', to: 'supervision_requested', notify: ['procuratorate', 'recipient'], opens: ['supervision_review_due'], requires: ['filing_decision_due'], source: 'Decree 310 Art 17; SPP Rules Art 562' },
  { from: 'supplement_requested', action: 'request_supervision', actor: 'sender', to: 'supervision_requested', notify: ['procuratorate', 'recipient'], opens: ['supervision_review_due'], requires: ['filing_decision_due'], source: 'Decree 310 Art 17; SPP Rules Art 562' },
  { from: 'declined', action: 'open_supervision', actor: 'procuratorate', to: 'supervision_requested', event: 'supervision_opened', notify: ['recipient', 'sender'], opens: ['supervision_review_due'], source: 'SPP Rules Art 557(2)' },
  { from: 'decline_upheld', action: 'open_supervision', actor: 'procuratorate', to: 'supervision_requested', event: 'supervision_opened', notify: ['recipient', 'sender'], opens: ['supervision_review_due'], source: 'SPP Rules Art 557(2)' },
  { from: 'submitted', action: 'open_supervision', actor: 'procuratorate', to: 'supervision_requested', event: 'supervision_opened', notify: ['recipient', 'sender'], opens: ['supervision_review_due'], requires: ['receipt_due'], source: 'SPP Rules Art 557(2), 562' },
  { from: 'receipted', action: 'open_supervision', actor: 'procuratorate', to: 'supervision_requested', event: 'supervision_opened', notify: ['recipient', 'sender'], opens: ['supervision_review_due'], requires: ['filing_decision_due'], source: 'SPP Rules Art 557(2), 562' },
  { from: 'supplement_requested', action: 'open_supervision', actor: 'procuratorate', to: 'supervision_requested', event: 'supervision_opened', notify: ['recipient', 'sender'], opens: ['supervision_review_due'], requires: ['filing_decision_due'], source: 'SPP Rules Art 557(2), 562' },
  { from: 'supervision_requested', action: 'demand_reasons', actor: 'procuratorate', to: 'reasons_demanded', notify: ['recipient', 'sender'], opens: ['reasons_due'], source: 'SPP Rules Art 559-560, 562' },
  { from: 'supervision_requested', action: 'close_supervision', actor: 'procuratorate', to: 'supervision_closed', notify: ['sender', 'recipient'], source: 'SPP Rules Art 558' },
  { from: 'supervision_requested', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'MPS Art 178(3)' },
  { from: 'reasons_demanded', action: 'give_reasons', actor: 'recipient', to: 'reasons_given', notify: ['procuratorate', 'sender'], opens: ['supervision_notice_due'], source: 'SPP Rules Art 560' },
  { from: 'reasons_demanded', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'MPS Art 182(1)' },
  { from: 'reasons_demanded', action: 'order_filing', actor: 'procuratorate', to: 'filing_ordered', notify: ['recipient', 'sender', 'copy'], opens: ['ordered_filing_due'], source: 'SPP Rules Art 561' },
  { from: 'reasons_given', action: 'close_supervision', actor: 'procuratorate', to: 'supervision_closed', notify: ['sender', 'recipient'], source: 'SPP Rules Art 561(2)' },
  { from: 'reasons_given', action: 'order_filing', actor: 'procuratorate', to: 'filing_ordered', notify: ['recipient', 'sender', 'copy'], opens: ['ordered_filing_due'], source: 'SPP Rules Art 561, 563' },
  { from: 'filing_ordered', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'SPP Rules Art 563' },
  // The agency handles a case that ends without a criminal file (Decree 310 Art 10), then closes it.
  { from: 'declined', action: 'report_handling', actor: 'sender', to: 'administratively_handled', notify: ['procuratorate', 'recipient'], source: 'Decree 310 Art 10' },
  { from: 'decline_upheld', action: 'report_handling', actor: 'sender', to: 'administratively_handled', notify: ['procuratorate', 'recipient'], source: 'Decree 310 Art 10' },
  { from: 'supervision_closed', action: 'report_handling', actor: 'sender', to: 'administratively_handled', notify: ['procuratorate', 'recipient'], source: 'Decree 310 Art 10' },
  { from: 'administratively_handled', action: 'close', actor: 'sender', to: 'closed', notify: ['recipient', 'procuratorate', 'copy'], source: 'hub rule: case ended' },
  { from: 'filed', action: 'close', actor: 'recipient', to: 'closed', notify: ['sender', 'procuratorate', 'copy'], source: 'hub rule: case ended' },
  { from: 'goods_handed_over', action: 'close', actor: 'recipient', to: 'closed', notify: ['sender', 'procuratorate', 'copy'], source: 'hub rule: case ended' },
  { from: 'case_withdrawn', action: 'close', actor: 'recipient', to: 'closed', notify: ['sender', 'procuratorate', 'copy'], source: 'hub rule: case ended' },
  { from: 'case_transferred', action: 'close', actor: 'recipient', to: 'closed', notify: ['sender', 'procuratorate', 'copy'], source: 'hub rule: case ended here' },
] as const satisfies readonly RowSpec[];

// biome-ignore format: one row a line
const REVERSE_TRANSFER = [
  // A procuratorate's 检察意见 expects the written reply in 2 months from delivery; a police or court return
  // a report back within the hub's default period (the rules say to which senders they apply).
  { from: null, action: 'submit', actor: 'sender', to: 'submitted', notify: ['recipient', 'copy'], opens: ['reverse_receipt_due', 'reverse_reply_due', 'reverse_report_due'], source: 'Decree 310 Art 13; SPP Rules Art 373' },
  { from: 'submitted', action: 'withdraw', actor: 'sender', to: 'withdrawn', notify: ['recipient'], source: 'hub rule: withdrawal before receipt' },
  { from: 'submitted', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender'], source: 'Decree 310 Art 13' },
  { from: 'receipted', action: 'report_handling', actor: 'recipient', to: 'handled', notify: ['sender', 'copy'], source: 'Decree 310 Art 13; SPP Rules Art 373' },
  { from: 'handled', action: 'close', actor: 'sender', to: 'closed', notify: ['recipient'], source: 'hub rule: case ended' },
] as const satisfies readonly RowSpec[];

// biome-ignore format: one row a line
const DUTY_CLUE = [
  { from: null, action: 'submit', actor: 'sender', to: 'submitted', notify: ['recipient'], opens: ['clue_receipt_due'], source: 'Decree 310 Art 19; Supervision Law Art 34' },
  { from: 'submitted', action: 'withdraw', actor: 'sender', to: 'withdrawn', notify: ['recipient'], source: 'hub rule: withdrawal before receipt' },
  { from: 'submitted', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender'], opens: ['clue_decision_due'], source: 'Supervision Law Art 34' },
  { from: 'forwarded', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender'], opens: ['clue_decision_due'], source: 'Supervision Law Art 35' },
  { from: 'receipted', action: 'accept', actor: 'recipient', to: 'accepted', notify: ['sender'], source: 'Supervision Law Art 34' },
  { from: 'receipted', action: 'forward', actor: 'recipient', to: 'forwarded', notify: ['sender', 'recipient'], opens: ['clue_receipt_due'], source: 'Supervision Law Art 35' },
  { from: 'accepted', action: 'close', actor: 'recipient', to: 'closed', notify: ['sender'], source: 'hub rule: case ended' },
] as const satisfies readonly RowSpec[];

// biome-ignore format: one row a line
const TRANSFER_OPINION = [
  // 检察意见: the procuratorate tells an agency that should have transferred a case to transfer it; the
  // agency answers in writing within 2 months of delivery, transferred or not and why.
  { from: null, action: 'submit', actor: 'sender', to: 'submitted', notify: ['recipient', 'copy'], opens: ['opinion_receipt_due', 'opinion_reply_due'], source: 'SPP Rules Art 557(3)' },
  { from: 'submitted', action: 'withdraw', actor: 'sender', to: 'withdrawn', notify: ['recipient'], source: 'hub rule: withdrawal before receipt' },
  { from: 'submitted', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender'], source: 'SPP Rules Art 557(3)' },
  { from: 'receipted', action: 'answer_opinion', actor: 'recipient', to: 'opinion_answered', notify: ['sender', 'copy'], source: '刑诉法 Art 177(3); SPP Rules Art 373, 557(3)' },
  { from: 'opinion_answered', action: 'close', actor: 'sender', to: 'closed', notify: ['recipient'], source: 'hub rule: case ended' },
] as const satisfies readonly RowSpec[];

/**
 * States in which nobody owes anything by a date, and why: the walk over the table (a unit test) proves
 * that every other state still open has a party who may move it and a duty on someone.
 */
export const OPEN_ENDED: Partial<Record<ReferralKind, Partial<Record<string, string>>>> = {
  criminal_transfer: {
    declined:
      'the agency may ask reconsideration or supervision within their windows, or handle the case itself',
    decline_upheld: 'the agency may ask supervision within its window, or handle the case itself',
    supervision_closed: 'the agency handles the case itself (Decree 310 Art 10); no period',
    goods_handed_over: 'the police investigate; the hub watches no period of the investigation',
    administratively_handled: 'the agency closes the case when its handling is done',
    outside_remit: 'the agency sends the case on to the competent organ; no period',
    case_withdrawn: 'the police return the case for handling or close it; no period',
    case_transferred: 'the case goes on at the organ it was transferred to',
  },
  reverse_transfer: { handled: 'the sender closes the case once it has the outcome' },
  duty_clue: { accepted: "the supervision commission's own procedure follows; no period here" },
  transfer_opinion: { opinion_answered: 'the procuratorate closes it once it has the answer' },
};

type AnyRow =
  | (typeof CRIMINAL_TRANSFER)[number]
  | (typeof REVERSE_TRANSFER)[number]
  | (typeof DUTY_CLUE)[number]
  | (typeof TRANSFER_OPINION)[number];
export type State = AnyRow['to'];
/** `brief` is a row of every state of every kind (below); the other actions are named in the rows. */
export type Action = AnyRow['action'] | 'brief';

export type Transition = {
  readonly kind: ReferralKind;
  readonly from: State | null;
  readonly action: Action;
  readonly actor: PartyRole;
  readonly to: State;
  /** The ledger event it records; DESIGN.md's words. */
  readonly event: string;
  readonly notify: readonly PartyRole[];
  readonly opens: readonly string[];
  readonly requires: readonly string[];
  readonly source: string;
};

function expand(kind: ReferralKind, rows: readonly RowSpec[]): Transition[] {
  const transitions = rows.map(
    (r): Transition => ({
      kind,
      from: r.from as State | null,
      action: r.action as Action,
      actor: r.actor,
      to: r.to as State,
      event: r.event ?? r.to,
      notify: r.notify,
      opens: r.opens ?? [],
      requires: r.requires ?? [],
      source: r.source,
    }),
  );
  // 案情通报 (seed 三(六)): any current party may brief chosen agencies about a referral in any state; the
  // state stays, the briefing goes on the chain, and its recipients are named in the action itself.
  const states = [...new Set(transitions.flatMap((t) => (t.from ? [t.from, t.to] : [t.to])))];
  const briefs = states.flatMap((state) =>
    PARTY_ROLES.map(
      (actor): Transition => ({
        kind,
        from: state,
        action: 'brief',
        actor,
        to: state,
        event: 'briefed',
        notify: [],
        opens: [],
        requires: [],
        source: 'seed 三(六) 案情通报',
      }),
    ),
  );
  return [...transitions, ...briefs];
}

/** The lifecycle, as data. Everything else (states, actions, permissions, the decision) derives from it. */
export const TRANSITIONS: readonly Transition[] = [
  ...expand('criminal_transfer', CRIMINAL_TRANSFER),
  ...expand('reverse_transfer', REVERSE_TRANSFER),
  ...expand('duty_clue', DUTY_CLUE),
  ...expand('transfer_opinion', TRANSFER_OPINION),
];

export const STATES = [...new Set(TRANSITIONS.flatMap((t) => (t.from ? [t.from, t.to] : [t.to])))] as [
  State,
  ...State[],
];
export const StateSchema = z.enum(STATES);

export const ACTIONS = [...new Set(TRANSITIONS.map((t) => t.action))] as [Action, ...Action[]];
export const ActionSchema = z.enum(ACTIONS);

export type Permission = { ok: true; transition: Transition } | { ok: false; code: ErrorCode };

/**
 * May an agency holding `roles` in a referral of `kind` in `state` take `action`? A transition for the
 * state but another role is ACTOR_NOT_PERMITTED; no transition from this state is TRANSITION_NOT_ALLOWED
 * (or ACTOR_NOT_PERMITTED when the caller's roles never take this action).
 */
export function permit(
  kind: ReferralKind,
  state: State | null,
  action: Action,
  roles: readonly PartyRole[],
): Permission {
  const candidates = TRANSITIONS.filter((t) => t.kind === kind && t.action === action && t.from === state);
  const allowed = candidates.find((t) => roles.includes(t.actor));
  if (allowed) return { ok: true, transition: allowed };
  if (candidates.length > 0) return { ok: false, code: 'ACTOR_NOT_PERMITTED' };
  const actsElsewhere = TRANSITIONS.some(
    (t) => t.kind === kind && t.action === action && roles.includes(t.actor),
  );
  return { ok: false, code: actsElsewhere ? 'TRANSITION_NOT_ALLOWED' : 'ACTOR_NOT_PERMITTED' };
}

export function allowedActions(kind: ReferralKind, state: State, roles: readonly PartyRole[]): Action[] {
  return TRANSITIONS.filter((t) => t.kind === kind && t.from === state && roles.includes(t.actor)).map(
    (t) => t.action,
  );
}

/** The state an action leads to from `from`: the same for every actor who may take it (a unit test says so). */
export function targetOf(kind: ReferralKind, from: State | null, action: string): Transition | undefined {
  return TRANSITIONS.find((t) => t.kind === kind && t.from === from && t.action === action);
}

export function statesOf(kind: ReferralKind): State[] {
  const states = new Set<State>();
  for (const t of TRANSITIONS.filter((t) => t.kind === kind)) {
    if (t.from) states.add(t.from);
    states.add(t.to);
  }
  return STATES.filter((s) => states.has(s));
}
