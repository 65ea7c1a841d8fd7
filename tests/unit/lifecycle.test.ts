import { describe, expect, it } from 'vitest';
import { ACTION_SCHEMAS, ActionCommandSchema } from '../../schemas/actions.js';
import { DEADLINE_RULES, startingEvents } from '../../schemas/deadlines.js';
import {
  ACTIONS,
  allowedActions,
  PARTY_ROLES,
  permit,
  STATES,
  type State,
  statesOf,
  TRANSITIONS,
  targetOf,
} from '../../schemas/lifecycle.js';
import { REFERRAL_KINDS } from '../../schemas/referral.js';

const FROM: (State | null)[] = [null, ...STATES];

describe('the lifecycle table', () => {
  it('lets every transition be taken by its actor in its state, and nobody else', () => {
    for (const t of TRANSITIONS) {
      const decision = permit(t.kind, t.from, t.action, [t.actor]);
      expect(decision, `${t.kind} ${t.from} ${t.action} by ${t.actor}`).toEqual({ ok: true, transition: t });
    }
  });

  it('refuses every other (kind, state, action, role) with TRANSITION_NOT_ALLOWED or ACTOR_NOT_PERMITTED', () => {
    let refused = 0;
    for (const kind of REFERRAL_KINDS) {
      for (const from of FROM) {
        for (const action of ACTIONS) {
          for (const role of PARTY_ROLES) {
            const row = TRANSITIONS.find(
              (t) => t.kind === kind && t.from === from && t.action === action && t.actor === role,
            );
            if (row) continue;
            const decision = permit(kind, from, action, [role]);
            expect(decision.ok, `${kind} ${from} ${action} by ${role}`).toBe(false);
            if (decision.ok) continue;
            const otherRoleHere = TRANSITIONS.some(
              (t) => t.kind === kind && t.from === from && t.action === action,
            );
            const roleActsElsewhere = TRANSITIONS.some(
              (t) => t.kind === kind && t.action === action && t.actor === role,
            );
            const expected =
              otherRoleHere || !roleActsElsewhere ? 'ACTOR_NOT_PERMITTED' : 'TRANSITION_NOT_ALLOWED';
            expect(decision.code, `${kind} ${from} ${action} by ${role}`).toBe(expected);
            refused++;
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(TRANSITIONS.length);
  });

  it('is deterministic: one transition per (kind, state, action, role)', () => {
    const keys = TRANSITIONS.map((t) => `${t.kind}|${t.from}|${t.action}|${t.actor}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('reaches every state of each kind from its submission', () => {
    for (const kind of REFERRAL_KINDS) {
      const reached = new Set<State>();
      let frontier: (State | null)[] = [null];
      while (frontier.length > 0) {
        const next = TRANSITIONS.filter((t) => t.kind === kind && frontier.includes(t.from))
          .map((t) => t.to)
          .filter((s) => !reached.has(s));
        for (const s of next) reached.add(s);
        frontier = [...new Set(next)];
      }
      expect([...reached].sort(), kind).toEqual(statesOf(kind).sort());
    }
    const used = new Set(TRANSITIONS.flatMap((t) => (t.from ? [t.from, t.to] : [t.to])));
    expect([...used].sort()).toEqual([...STATES].sort());
  });

  it('names a legal source for every transition and tells someone of every event but briefings', () => {
    for (const t of TRANSITIONS) {
      expect(t.source.length, `${t.kind} ${t.action}`).toBeGreaterThan(3);
      if (t.action !== 'brief') expect(t.notify.length, `${t.kind} ${t.action}`).toBeGreaterThan(0);
    }
  });

  it('copies every criminal transfer and every decline to the procuratorate', () => {
    for (const t of TRANSITIONS.filter(
      (t) => t.kind === 'criminal_transfer' && ['submitted', 'declined'].includes(t.event),
    )) {
      expect(t.notify).toContain('procuratorate');
    }
  });

  it('leads every actor who may take an action from a state to the same state (so a replay needs no actor)', () => {
    for (const t of TRANSITIONS)
      expect(targetOf(t.kind, t.from, t.action)?.to, `${t.kind} ${t.action}`).toBe(t.to);
  });

  it('agrees with allowedActions', () => {
    for (const kind of REFERRAL_KINDS) {
      for (const state of STATES) {
        for (const role of PARTY_ROLES) {
          const allowed = allowedActions(kind, state, [role]);
          for (const action of ACTIONS)
            expect(permit(kind, state, action, [role]).ok).toBe(allowed.includes(action));
        }
      }
    }
  });

  it('has a body schema for exactly the actions after submission', () => {
    const withSchema = ActionCommandSchema.options.map((o) => o.shape.action.value).sort();
    expect(withSchema).toEqual(ACTIONS.filter((a) => a !== 'submit').sort());
    expect(Object.keys(ACTION_SCHEMAS).sort()).toEqual(withSchema);
  });

  it('names only deadline rules that exist, and every rule is opened by some event', () => {
    const ids = new Set(DEADLINE_RULES.map((r) => r.id));
    for (const t of TRANSITIONS) for (const rule of t.opens) expect(ids, rule).toContain(rule);
    for (const rule of DEADLINE_RULES) {
      expect(startingEvents(rule.id).length, rule.id).toBeGreaterThan(0);
      const events = new Set(TRANSITIONS.filter((t) => t.kind === rule.kind).map((t) => t.event));
      for (const e of rule.fulfilledBy) expect(events, `${rule.id} fulfilled by ${e}`).toContain(e);
    }
  });
});
