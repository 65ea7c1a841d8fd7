import { describe, expect, it } from 'vitest';
import { ACTION_SCHEMAS, ActionCommandSchema } from '../../schemas/actions.js';
import { DEADLINE_RULES, startingEvents } from '../../schemas/deadlines.js';
import {
  ACTIONS,
  allowedActions,
  OPEN_ENDED,
  PARTY_ROLES,
  permit,
  STATES,
  type State,
  statesOf,
  TRANSITIONS,
  targetOf,
} from '../../schemas/lifecycle.js';
import { REFERRAL_KINDS, type ReferralKind } from '../../schemas/referral.js';

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

describe('no stuck case', () => {
  const FINAL = new Set(['closed', 'withdrawn']);
  const rules = new Map(DEADLINE_RULES.map((r) => [r.id, r]));

  /** Every (state, duties still owed) a referral of a kind can reach, walking the table from its submission. */
  function reachable(kind: ReferralKind, senderKind: string) {
    const applies = (id: string) => {
      const r = rules.get(id);
      return r !== undefined && (!r.appliesTo || r.appliesTo.includes(senderKind as never));
    };
    const owedAfter = (open: string[], event: string, opens: readonly string[]) =>
      [
        ...open.filter((id) => !rules.get(id)?.fulfilledBy.includes(event)),
        ...opens.filter((id) => applies(id) && !rules.get(id)?.fulfilledBy.includes(event)),
      ]
        .filter((id, i, all) => all.indexOf(id) === i)
        .sort();
    const seen = new Map<string, { state: State; open: string[] }>();
    const frontier = TRANSITIONS.filter((t) => t.kind === kind && t.from === null).map((t) => ({
      state: t.to,
      open: owedAfter([], t.event, t.opens),
    }));
    while (frontier.length > 0) {
      const at = frontier.pop()!;
      const key = `${at.state}|${at.open.join(',')}`;
      if (seen.has(key)) continue;
      seen.set(key, at);
      for (const t of TRANSITIONS.filter(
        (t) => t.kind === kind && t.from === at.state && t.action !== 'brief',
      )) {
        frontier.push({ state: t.to, open: owedAfter(at.open, t.event, t.opens) });
      }
    }
    return [...seen.values()];
  }

  it('leaves every open state with a party who may move it and, unless documented open-ended, a duty on someone', () => {
    const walk: string[] = [];
    const senders: Record<ReferralKind, string[]> = {
      criminal_transfer: ['enforcement'],
      reverse_transfer: ['police', 'procuratorate', 'court'],
      duty_clue: ['enforcement'],
      transfer_opinion: ['procuratorate'],
    };
    for (const kind of REFERRAL_KINDS) {
      for (const senderKind of senders[kind]) {
        for (const { state, open } of reachable(kind, senderKind)) {
          if (FINAL.has(state)) continue;
          const movers = [
            ...new Set(
              TRANSITIONS.filter((t) => t.kind === kind && t.from === state && t.action !== 'brief').map(
                (t) => t.actor,
              ),
            ),
          ];
          expect(movers.length, `${kind} ${state}: nobody may move it`).toBeGreaterThan(0);
          const duties = open.filter((id) => !rules.get(id)?.window);
          const openEnded = OPEN_ENDED[kind]?.[state];
          expect(
            duties.length > 0 || openEnded !== undefined,
            `${kind} ${state} [${open}]: nobody owes anything`,
          ).toBe(true);
          walk.push(
            `${kind} (${senderKind}) ${state}: movers ${movers.join('/')}; ${duties.length ? `owed ${duties.join(', ')}` : `open-ended: ${openEnded}`}`,
          );
        }
      }
    }
    if (process.env.PRINT_WALK) console.log([...new Set(walk)].sort().join('\n'));
    expect(walk.length).toBeGreaterThan(20);
  });

  it('documents only states that exist as open-ended', () => {
    for (const [kind, states] of Object.entries(OPEN_ENDED)) {
      for (const state of Object.keys(states ?? {})) expect(statesOf(kind as ReferralKind)).toContain(state);
    }
  });
});
