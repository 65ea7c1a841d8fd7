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
  readonly source: string;
};

// biome-ignore format: one row a line
const CRIMINAL_TRANSFER = [
  { from: null, action: 'submit', actor: 'sender', to: 'submitted', notify: ['recipient', 'procuratorate', 'copy'], opens: ['send_after_approval', 'receipt_due'], source: 'Decree 310 Art 5, 6' },
  { from: 'submitted', action: 'withdraw', actor: 'sender', to: 'withdrawn', notify: ['recipient', 'procuratorate', 'copy'], source: 'hub rule: withdrawal before receipt' },
  { from: 'submitted', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender', 'procuratorate'], opens: ['filing_decision_due'], source: 'Decree 310 Art 7' },
  { from: 'forwarded', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender', 'procuratorate'], opens: ['filing_decision_due'], source: 'Decree 310 Art 7' },
  { from: 'receipted', action: 'request_supplement', actor: 'recipient', to: 'supplement_requested', notify: ['sender', 'procuratorate'], opens: ['supplement_due'], source: 'MPS Art 180(2)' },
  { from: 'supplement_requested', action: 'supplement', actor: 'sender', to: 'receipted', event: 'supplemented', notify: ['recipient', 'procuratorate'], opens: ['filing_decision_due'], source: 'MPS Art 180(2)' },
  { from: 'receipted', action: 'forward', actor: 'recipient', to: 'forwarded', notify: ['sender', 'recipient', 'procuratorate'], source: 'Decree 310 Art 7' },
  { from: 'receipted', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'Decree 310 Art 8' },
  { from: 'receipted', action: 'decline', actor: 'recipient', to: 'declined', notify: ['sender', 'procuratorate', 'copy'], opens: ['reconsideration_request_window'], source: 'Decree 310 Art 8' },
  { from: 'filed', action: 'hand_over_goods', actor: 'sender', to: 'goods_handed_over', notify: ['recipient', 'procuratorate'], source: 'Decree 310 Art 12' },
  { from: 'filed', action: 'report_progress', actor: 'recipient', to: 'filed', event: 'progress', notify: ['sender', 'procuratorate'], source: 'MPS Art 184, 189' },
  { from: 'goods_handed_over', action: 'report_progress', actor: 'recipient', to: 'goods_handed_over', event: 'progress', notify: ['sender', 'procuratorate'], source: 'MPS Art 184, 189' },
  { from: 'declined', action: 'request_reconsideration', actor: 'sender', to: 'reconsideration_requested', notify: ['recipient', 'procuratorate'], opens: ['reconsideration_decision_due'], source: 'Decree 310 Art 9(1)' },
  { from: 'reconsideration_requested', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'Decree 310 Art 9(2)' },
  { from: 'reconsideration_requested', action: 'uphold_decline', actor: 'recipient', to: 'decline_upheld', notify: ['sender', 'procuratorate', 'copy'], opens: ['supervision_request_window'], source: 'Decree 310 Art 9(2)' },
  { from: 'declined', action: 'request_supervision', actor: 'sender', to: 'supervision_requested', notify: ['procuratorate', 'recipient'], source: 'Decree 310 Art 9(1)' },
  { from: 'decline_upheld', action: 'request_supervision', actor: 'sender', to: 'supervision_requested', notify: ['procuratorate', 'recipient'], source: 'Decree 310 Art 9(2)' },
  { from: 'supervision_requested', action: 'demand_reasons', actor: 'procuratorate', to: 'reasons_demanded', notify: ['recipient', 'sender'], opens: ['reasons_due'], source: 'SPP Rules Art 559-560' },
  { from: 'reasons_demanded', action: 'give_reasons', actor: 'recipient', to: 'reasons_given', notify: ['procuratorate', 'sender'], opens: ['supervision_notice_due'], source: 'SPP Rules Art 560' },
  { from: 'reasons_given', action: 'close_supervision', actor: 'procuratorate', to: 'supervision_closed', notify: ['sender', 'recipient'], source: 'SPP Rules Art 561(2)' },
  { from: 'reasons_given', action: 'order_filing', actor: 'procuratorate', to: 'filing_ordered', notify: ['recipient', 'sender', 'copy'], opens: ['ordered_filing_due'], source: 'SPP Rules Art 561, 563' },
  // SPP Rules Art 562: police silent on the demand → the procuratorate may order filing.
  { from: 'reasons_demanded', action: 'order_filing', actor: 'procuratorate', to: 'filing_ordered', notify: ['recipient', 'sender', 'copy'], opens: ['ordered_filing_due'], source: 'SPP Rules Art 562' },
  { from: 'filing_ordered', action: 'file', actor: 'recipient', to: 'filed', notify: ['sender', 'procuratorate', 'copy'], opens: ['goods_handover_due'], source: 'SPP Rules Art 563' },
  { from: 'declined', action: 'report_handling', actor: 'sender', to: 'administratively_handled', notify: ['procuratorate', 'recipient'], source: 'Decree 310 Art 10' },
  { from: 'decline_upheld', action: 'report_handling', actor: 'sender', to: 'administratively_handled', notify: ['procuratorate', 'recipient'], source: 'Decree 310 Art 10' },
  { from: 'supervision_closed', action: 'report_handling', actor: 'sender', to: 'administratively_handled', notify: ['procuratorate', 'recipient'], source: 'Decree 310 Art 10' },
  { from: 'administratively_handled', action: 'close', actor: 'sender', to: 'closed', notify: ['recipient', 'procuratorate', 'copy'], source: 'hub rule: case ended' },
  { from: 'filed', action: 'close', actor: 'recipient', to: 'closed', notify: ['sender', 'procuratorate', 'copy'], source: 'hub rule: case ended' },
  { from: 'goods_handed_over', action: 'close', actor: 'recipient', to: 'closed', notify: ['sender', 'procuratorate', 'copy'], source: 'hub rule: case ended' },
] as const satisfies readonly RowSpec[];

// biome-ignore format: one row a line
const REVERSE_TRANSFER = [
  { from: null, action: 'submit', actor: 'sender', to: 'submitted', notify: ['recipient', 'copy'], opens: ['reverse_receipt_due'], source: 'Decree 310 Art 13; SPP Rules Art 373' },
  { from: 'submitted', action: 'withdraw', actor: 'sender', to: 'withdrawn', notify: ['recipient'], source: 'hub rule: withdrawal before receipt' },
  { from: 'submitted', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender'], opens: ['reverse_reply_due'], source: 'Decree 310 Art 13' },
  { from: 'receipted', action: 'report_handling', actor: 'recipient', to: 'handled', notify: ['sender', 'copy'], source: 'SPP 2021 规定 (2-month reply)' },
  { from: 'handled', action: 'close', actor: 'sender', to: 'closed', notify: ['recipient'], source: 'hub rule: case ended' },
] as const satisfies readonly RowSpec[];

// biome-ignore format: one row a line
const DUTY_CLUE = [
  { from: null, action: 'submit', actor: 'sender', to: 'submitted', notify: ['recipient'], opens: ['clue_receipt_due'], source: 'Decree 310 Art 19; Supervision Law Art 34' },
  { from: 'submitted', action: 'withdraw', actor: 'sender', to: 'withdrawn', notify: ['recipient'], source: 'hub rule: withdrawal before receipt' },
  { from: 'submitted', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender'], source: 'Decree 310 Art 19' },
  { from: 'forwarded', action: 'receipt', actor: 'recipient', to: 'receipted', notify: ['sender'], source: 'Supervision Law Art 35' },
  { from: 'receipted', action: 'accept', actor: 'recipient', to: 'accepted', notify: ['sender'], source: 'Supervision Law Art 34' },
  { from: 'receipted', action: 'forward', actor: 'recipient', to: 'forwarded', notify: ['sender', 'recipient'], source: 'Supervision Law Art 35' },
  { from: 'accepted', action: 'close', actor: 'recipient', to: 'closed', notify: ['sender'], source: 'hub rule: case ended' },
] as const satisfies readonly RowSpec[];

type AnyRow =
  | (typeof CRIMINAL_TRANSFER)[number]
  | (typeof REVERSE_TRANSFER)[number]
  | (typeof DUTY_CLUE)[number];
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
