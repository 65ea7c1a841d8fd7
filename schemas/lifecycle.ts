import { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type { ReferralKind } from './referral.js';

/** A party's role in one referral; who may act is a role, not an agency. */
export const PARTY_ROLES = ['sender', 'recipient', 'procuratorate'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export const CRIMINAL_TRANSFER_STATES = ['submitted', 'withdrawn', 'receipted'] as const;
export const STATES = [...CRIMINAL_TRANSFER_STATES] as const;
export const StateSchema = z.enum(STATES);
export type State = z.infer<typeof StateSchema>;

export const ACTIONS = ['submit', 'withdraw', 'receipt'] as const;
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
  /** Who is told, by role. */
  readonly notify: readonly PartyRole[];
  readonly source: string;
};

/** The lifecycle, as data. Everything else (states, allowed actions, decide) derives from this table. */
export const TRANSITIONS: readonly Transition[] = [
  {
    kind: 'criminal_transfer',
    from: null,
    action: 'submit',
    actor: 'sender',
    to: 'submitted',
    event: 'submitted',
    // Decree 310 Art 5-6 (transfer); 抄送 to the procuratorate (2011 意见, local rules)
    notify: ['recipient', 'procuratorate'],
    source: 'Decree 310 Art 5, 6',
  },
  {
    kind: 'criminal_transfer',
    from: 'submitted',
    action: 'withdraw',
    actor: 'sender',
    to: 'withdrawn',
    event: 'withdrawn',
    notify: ['recipient', 'procuratorate'],
    source: 'hub rule: withdrawal before receipt',
  },
  {
    kind: 'criminal_transfer',
    from: 'submitted',
    action: 'receipt',
    actor: 'recipient',
    to: 'receipted',
    event: 'receipted',
    notify: ['sender', 'procuratorate'],
    source: 'Decree 310 Art 7',
  },
];

export type Decision = { ok: true; transition: Transition } | { ok: false; code: ErrorCode };

/**
 * Pure: may an agency holding `roles` in a referral of `kind` in `state` take `action`?
 * A transition for the state but another role is ACTOR_NOT_PERMITTED; no transition from this state is
 * TRANSITION_NOT_ALLOWED.
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
