import { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type { ReferralKind } from './referral.js';

/**
 * A party's role in one referral; who may act is a role, not an agency. `copy` is an extra copy recipient
 * a region configures (e.g. the justice bureau, Sichuan decision L2).
 */
export const PARTY_ROLES = ['sender', 'recipient', 'procuratorate', 'copy'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export const STATES = [
  'submitted',
  'withdrawn',
  'receipted',
  'supplement_requested',
  'forwarded',
  'filed',
  'declined',
  'goods_handed_over',
  'reconsideration_requested',
  'decline_upheld',
  'supervision_requested',
  'reasons_demanded',
  'reasons_given',
  'supervision_closed',
  'filing_ordered',
  'administratively_handled',
  'handled',
  'accepted',
  'closed',
] as const;
export const StateSchema = z.enum(STATES);
export type State = z.infer<typeof StateSchema>;

export const ACTIONS = [
  'submit',
  'withdraw',
  'receipt',
  'request_supplement',
  'supplement',
  'forward',
  'file',
  'decline',
  'hand_over_goods',
  'request_reconsideration',
  'uphold_decline',
  'request_supervision',
  'demand_reasons',
  'give_reasons',
  'close_supervision',
  'order_filing',
  'report_progress',
  'report_handling',
  'accept',
  'close',
  'brief',
] as const;
export const ActionSchema = z.enum(ACTIONS);
export type Action = z.infer<typeof ActionSchema>;

export type Transition = {
  readonly kind: ReferralKind;
  /** null: the action that creates the referral. */
  readonly from: State | null;
  readonly action: Action;
  readonly actor: PartyRole;
  readonly to: State;
  /** The ledger event it records; DESIGN.md's words. */
  readonly event: string;
  /** Who is told, by role (evaluated after the step, so a forward tells the new recipient). */
  readonly notify: readonly PartyRole[];
  /** The deadline rule this step starts, by id (rules live with the deadlines). */
  readonly deadline?: string;
  readonly source: string;
};

type Row = [
  from: State | null,
  action: Action,
  actor: PartyRole,
  to: State,
  event: string,
  notify: PartyRole[],
  source: string,
  deadline?: string,
];

const CT: Row[] = [
  // 移送 with 抄送 to the procuratorate (and the region's extra copy recipient).
  [
    null,
    'submit',
    'sender',
    'submitted',
    'submitted',
    ['recipient', 'procuratorate', 'copy'],
    'Decree 310 Art 5, 6',
    'receipt_due',
  ],
  [
    'submitted',
    'withdraw',
    'sender',
    'withdrawn',
    'withdrawn',
    ['recipient', 'procuratorate', 'copy'],
    'hub rule: withdrawal before receipt',
  ],
  [
    'submitted',
    'receipt',
    'recipient',
    'receipted',
    'receipted',
    ['sender', 'procuratorate'],
    'Decree 310 Art 7',
    'filing_decision_due',
  ],
  [
    'forwarded',
    'receipt',
    'recipient',
    'receipted',
    'receipted',
    ['sender', 'procuratorate'],
    'Decree 310 Art 7',
    'filing_decision_due',
  ],
  [
    'receipted',
    'request_supplement',
    'recipient',
    'supplement_requested',
    'supplement_requested',
    ['sender', 'procuratorate'],
    'MPS Art 180(2)',
    'supplement_due',
  ],
  [
    'supplement_requested',
    'supplement',
    'sender',
    'receipted',
    'supplemented',
    ['recipient', 'procuratorate'],
    'MPS Art 180(2)',
    'filing_decision_due',
  ],
  [
    'receipted',
    'forward',
    'recipient',
    'forwarded',
    'forwarded',
    ['sender', 'recipient', 'procuratorate'],
    'Decree 310 Art 7',
  ],
  [
    'receipted',
    'file',
    'recipient',
    'filed',
    'filed',
    ['sender', 'procuratorate', 'copy'],
    'Decree 310 Art 8',
    'goods_handover_due',
  ],
  [
    'receipted',
    'decline',
    'recipient',
    'declined',
    'declined',
    ['sender', 'procuratorate', 'copy'],
    'Decree 310 Art 8',
    'reconsideration_request_window',
  ],
  [
    'filed',
    'hand_over_goods',
    'sender',
    'goods_handed_over',
    'goods_handed_over',
    ['recipient', 'procuratorate'],
    'Decree 310 Art 12',
  ],
  [
    'filed',
    'report_progress',
    'recipient',
    'filed',
    'progress',
    ['sender', 'procuratorate'],
    'MPS Art 184, 189',
  ],
  [
    'goods_handed_over',
    'report_progress',
    'recipient',
    'goods_handed_over',
    'progress',
    ['sender', 'procuratorate'],
    'MPS Art 184, 189',
  ],
  [
    'declined',
    'request_reconsideration',
    'sender',
    'reconsideration_requested',
    'reconsideration_requested',
    ['recipient', 'procuratorate'],
    'Decree 310 Art 9(1)',
    'reconsideration_decision_due',
  ],
  [
    'reconsideration_requested',
    'file',
    'recipient',
    'filed',
    'filed',
    ['sender', 'procuratorate', 'copy'],
    'Decree 310 Art 9(2)',
    'goods_handover_due',
  ],
  [
    'reconsideration_requested',
    'uphold_decline',
    'recipient',
    'decline_upheld',
    'decline_upheld',
    ['sender', 'procuratorate', 'copy'],
    'Decree 310 Art 9(2)',
    'supervision_request_window',
  ],
  [
    'declined',
    'request_supervision',
    'sender',
    'supervision_requested',
    'supervision_requested',
    ['procuratorate', 'recipient'],
    'Decree 310 Art 9(1)',
  ],
  [
    'decline_upheld',
    'request_supervision',
    'sender',
    'supervision_requested',
    'supervision_requested',
    ['procuratorate', 'recipient'],
    'Decree 310 Art 9(2)',
  ],
  [
    'supervision_requested',
    'demand_reasons',
    'procuratorate',
    'reasons_demanded',
    'reasons_demanded',
    ['recipient', 'sender'],
    'SPP Rules Art 559-560',
    'reasons_due',
  ],
  [
    'reasons_demanded',
    'give_reasons',
    'recipient',
    'reasons_given',
    'reasons_given',
    ['procuratorate', 'sender'],
    'SPP Rules Art 560',
    'supervision_notice_due',
  ],
  [
    'reasons_given',
    'close_supervision',
    'procuratorate',
    'supervision_closed',
    'supervision_closed',
    ['sender', 'recipient'],
    'SPP Rules Art 561(2)',
  ],
  [
    'reasons_given',
    'order_filing',
    'procuratorate',
    'filing_ordered',
    'filing_ordered',
    ['recipient', 'sender', 'copy'],
    'SPP Rules Art 561, 563',
    'ordered_filing_due',
  ],
  // SPP Rules Art 562: police silent on the demand → the procuratorate may order filing.
  [
    'reasons_demanded',
    'order_filing',
    'procuratorate',
    'filing_ordered',
    'filing_ordered',
    ['recipient', 'sender', 'copy'],
    'SPP Rules Art 562',
    'ordered_filing_due',
  ],
  [
    'filing_ordered',
    'file',
    'recipient',
    'filed',
    'filed',
    ['sender', 'procuratorate', 'copy'],
    'SPP Rules Art 563',
    'goods_handover_due',
  ],
  [
    'declined',
    'report_handling',
    'sender',
    'administratively_handled',
    'administratively_handled',
    ['procuratorate', 'recipient'],
    'Decree 310 Art 10',
  ],
  [
    'decline_upheld',
    'report_handling',
    'sender',
    'administratively_handled',
    'administratively_handled',
    ['procuratorate', 'recipient'],
    'Decree 310 Art 10',
  ],
  [
    'supervision_closed',
    'report_handling',
    'sender',
    'administratively_handled',
    'administratively_handled',
    ['procuratorate', 'recipient'],
    'Decree 310 Art 10',
  ],
  [
    'administratively_handled',
    'close',
    'sender',
    'closed',
    'closed',
    ['recipient', 'procuratorate', 'copy'],
    'hub rule: case ended',
  ],
  [
    'filed',
    'close',
    'recipient',
    'closed',
    'closed',
    ['sender', 'procuratorate', 'copy'],
    'hub rule: case ended',
  ],
  [
    'goods_handed_over',
    'close',
    'recipient',
    'closed',
    'closed',
    ['sender', 'procuratorate', 'copy'],
    'hub rule: case ended',
  ],
];

const RT: Row[] = [
  [
    null,
    'submit',
    'sender',
    'submitted',
    'submitted',
    ['recipient', 'copy'],
    'Decree 310 Art 13; SPP Rules Art 373',
    'reverse_receipt_due',
  ],
  [
    'submitted',
    'withdraw',
    'sender',
    'withdrawn',
    'withdrawn',
    ['recipient'],
    'hub rule: withdrawal before receipt',
  ],
  [
    'submitted',
    'receipt',
    'recipient',
    'receipted',
    'receipted',
    ['sender'],
    'Decree 310 Art 13',
    'reverse_reply_due',
  ],
  [
    'receipted',
    'report_handling',
    'recipient',
    'handled',
    'handled',
    ['sender', 'copy'],
    'SPP 2021 规定 (2-month reply)',
  ],
  ['handled', 'close', 'sender', 'closed', 'closed', ['recipient'], 'hub rule: case ended'],
];

const DC: Row[] = [
  [
    null,
    'submit',
    'sender',
    'submitted',
    'submitted',
    ['recipient'],
    'Decree 310 Art 19; Supervision Law Art 34',
    'clue_receipt_due',
  ],
  [
    'submitted',
    'withdraw',
    'sender',
    'withdrawn',
    'withdrawn',
    ['recipient'],
    'hub rule: withdrawal before receipt',
  ],
  ['submitted', 'receipt', 'recipient', 'receipted', 'receipted', ['sender'], 'Decree 310 Art 19'],
  ['forwarded', 'receipt', 'recipient', 'receipted', 'receipted', ['sender'], 'Supervision Law Art 35'],
  ['receipted', 'accept', 'recipient', 'accepted', 'accepted', ['sender'], 'Supervision Law Art 34'],
  [
    'receipted',
    'forward',
    'recipient',
    'forwarded',
    'forwarded',
    ['sender', 'recipient'],
    'Supervision Law Art 35',
  ],
  ['accepted', 'close', 'recipient', 'closed', 'closed', ['sender'], 'hub rule: case ended'],
];

function expand(kind: ReferralKind, rows: Row[]): Transition[] {
  return rows.map(([from, action, actor, to, event, notify, source, deadline]) => ({
    kind,
    from,
    action,
    actor,
    to,
    event,
    notify,
    source,
    ...(deadline ? { deadline } : {}),
  }));
}

/**
 * 案情通报 (seed 三(六)): any current party may brief chosen agencies about a referral in any state; the
 * state stays, the briefing goes on the chain, and its recipients are named in the action itself.
 */
function briefings(rows: Row[]): Row[] {
  const states = [...new Set(rows.flatMap(([from, , , to]) => (from ? [from, to] : [to])))];
  return states.flatMap((state) =>
    PARTY_ROLES.map((role): Row => [state, 'brief', role, state, 'briefed', [], 'seed 三(六) 案情通报']),
  );
}

/** The lifecycle, as data. Everything else (states, allowed actions, decide) derives from this table. */
export const TRANSITIONS: readonly Transition[] = [
  ...expand('criminal_transfer', [...CT, ...briefings(CT)]),
  ...expand('reverse_transfer', [...RT, ...briefings(RT)]),
  ...expand('duty_clue', [...DC, ...briefings(DC)]),
];

/** Who may start each kind (by agency kind), and who may receive it. */
export const KIND_PARTIES: Record<
  ReferralKind,
  { senders: readonly string[]; recipients: readonly string[] }
> = {
  // Decree 310 Art 2, 5: enforcement agency → same-level police.
  criminal_transfer: { senders: ['enforcement'], recipients: ['police'] },
  // Decree 310 Art 13; SPP Rules Art 373; MPS Art 298: police, procuratorate or court → agency.
  reverse_transfer: { senders: ['police', 'procuratorate', 'court'], recipients: ['enforcement'] },
  // Decree 310 Art 19; Supervision Law Art 34: any body → supervision commission or procuratorate.
  duty_clue: {
    senders: [
      'enforcement',
      'police',
      'procuratorate',
      'court',
      'justice_bureau',
      'coordinator',
      'supervision',
    ],
    recipients: ['supervision', 'procuratorate'],
  },
};

/** Where a forward may go, per kind. */
export const FORWARD_TARGETS: Partial<Record<ReferralKind, readonly string[]>> = {
  criminal_transfer: ['police'],
  duty_clue: ['supervision', 'procuratorate'],
};

export type Decision = { ok: true; transition: Transition } | { ok: false; code: ErrorCode };

/**
 * Pure: may an agency holding `roles` in a referral of `kind` in `state` take `action`?
 * A transition for the state but another role is ACTOR_NOT_PERMITTED; no transition from this state is
 * TRANSITION_NOT_ALLOWED (or ACTOR_NOT_PERMITTED when the caller's roles never take this action).
 */
export function decide(
  kind: ReferralKind,
  state: State | null,
  action: Action,
  roles: readonly PartyRole[],
): Decision {
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

export function statesOf(kind: ReferralKind): State[] {
  const states = new Set<State>();
  for (const t of TRANSITIONS.filter((t) => t.kind === kind)) {
    if (t.from) states.add(t.from);
    states.add(t.to);
  }
  return STATES.filter((s) => states.has(s));
}
