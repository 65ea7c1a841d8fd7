import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../crypto/jcs.js';
import { type ActionCommand, ActionCommandSchema } from '../../schemas/actions.js';
import { HolidayYearSchema } from '../../schemas/calendar.js';
import { RULES_BY_ID } from '../../schemas/deadlines.js';
import { decide } from '../../schemas/decide.js';
import type { DecisionContext } from '../../schemas/decision-context.js';
import { PARTY_ROLES, type PartyRole, permit, STATES, TRANSITIONS } from '../../schemas/lifecycle.js';
import { directoryView } from '../../schemas/parties.js';
import { policyView } from '../../schemas/policy.js';
import { REFERRAL_KINDS, type ReferralKind } from '../../schemas/referral.js';
import { codesOf, type Duty, type Parties, type Referral, rolesOf } from '../../schemas/referral-state.js';
import { scopeOf } from '../../schemas/visibility.js';
import { TEST_AGENCIES } from '../helpers/fixtures.js';

const calendarDir = new URL('../../schemas/calendar/', import.meta.url);
const years = readdirSync(calendarDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => HolidayYearSchema.parse(JSON.parse(readFileSync(new URL(f, calendarDir), 'utf8'))));
const directory = directoryView(TEST_AGENCIES);
const ctx: DecisionContext = {
  now: new Date('2026-06-10T02:00:00Z'),
  directory,
  policy: policyView(years, [], new Set()),
  scopeOf: (actor) => scopeOf(TEST_AGENCIES, actor),
  newId: () => randomUUID(),
  sha256: (text) => createHash('sha256').update(text).digest('hex'),
  fileLimits: { maxBytes: 1024 ** 3, maxCount: 500 },
};

const PARTIES: Record<ReferralKind, Parties> = {
  criminal_transfer: { sender: 'enf-a', recipient: 'pol-a', procuratorate: 'proc', copies: ['just'] },
  reverse_transfer: { sender: 'pol-a', recipient: 'enf-a', procuratorate: null, copies: ['just'] },
  duty_clue: { sender: 'enf-a', recipient: 'sup', procuratorate: null, copies: [] },
  transfer_opinion: { sender: 'proc', recipient: 'enf-a', procuratorate: 'proc', copies: ['just'] },
};

const BODIES: Record<string, (kind: ReferralKind) => unknown> = {
  withdraw: () => ({ action: 'withdraw', reason: '撤回' }),
  receipt: () => ({ action: 'receipt' }),
  report_file_mismatch: () => ({ action: 'report_file_mismatch', sha256s: ['d'.repeat(64)], note: '缺页' }),
  request_supplement: () => ({ action: 'request_supplement', items: ['现场照片'] }),
  supplement: () => ({
    action: 'supplement',
    documents: [{ type: 'other', title: '现场照片', sha256: 'c'.repeat(64), paper: true }],
  }),
  forward: (kind) => ({ action: 'forward', to: kind === 'duty_clue' ? 'proc' : 'pol-b', reason: '管辖' }),
  file: () => ({ action: 'file' }),
  decline: () => ({ action: 'decline', reasonCode: 'no_crime_facts', reasons: '无犯罪事实' }),
  hand_over_goods: () => ({ action: 'hand_over_goods', items: [{ description: '白酒' }] }),
  request_reconsideration: () => ({ action: 'request_reconsideration', reasons: '理由' }),
  uphold_decline: () => ({ action: 'uphold_decline', reasons: '维持' }),
  request_supervision: () => ({ action: 'request_supervision', reasons: '请求' }),
  demand_reasons: () => ({ action: 'demand_reasons' }),
  give_reasons: () => ({ action: 'give_reasons', reasons: '理由' }),
  close_supervision: () => ({ action: 'close_supervision', reasons: '成立' }),
  order_filing: () => ({ action: 'order_filing', reasons: '不成立' }),
  report_progress: () => ({ action: 'report_progress', stage: 'arrested' }),
  report_handling: () => ({ action: 'report_handling', outcome: 'penalty', amountYuan: 100 }),
  accept: () => ({ action: 'accept' }),
  extend_review: () => ({ action: 'extend_review', days: 10, approvedBy: '县公安局负责人' }),
  answer_outside_remit: () => ({ action: 'answer_outside_remit', reasons: '不属于公安机关职责' }),
  withdraw_case: () => ({ action: 'withdraw_case', decidedAt: '2026-06-09T02:00:00Z', reasons: '撤案' }),
  transfer_case: () => ({
    action: 'transfer_case',
    decidedAt: '2026-06-09T02:00:00Z',
    to: '某市公安局',
    reasons: '管辖',
  }),
  return_for_handling: () => ({ action: 'return_for_handling', reasons: '需要行政处理' }),
  open_supervision: () => ({ action: 'open_supervision', reasons: '依职权监督' }),
  answer_opinion: () => ({ action: 'answer_opinion', outcome: 'transferred' }),
  close: () => ({ action: 'close' }),
  brief: () => ({ action: 'brief', recipients: ['coord'], subject: '通报', body: '内容' }),
};

function referralIn(kind: ReferralKind, state: Referral['state']): Referral {
  const parties = PARTIES[kind];
  return {
    id: randomUUID(),
    kind,
    state,
    version: 3,
    parties,
    participants: [parties.sender, parties.recipient, parties.procuratorate, ...parties.copies].filter(
      (c): c is string => c !== null,
    ),
    region: '110101',
    late: false,
    head: { seq: 3, hash: 'a'.repeat(64) },
    milestones: {},
    facts: {},
    submission: {},
    approvedAt: null,
    createdAt: ctx.now.toISOString(),
    updatedAt: ctx.now.toISOString(),
  };
}

/** A running duty of a referral, due `dueInMs` from now (negative: overdue). */
function duty(referral: Referral, ruleId: string, dueInMs: number): Duty {
  const rule = RULES_BY_ID.get(ruleId)!;
  return {
    id: randomUUID(),
    referralId: referral.id,
    ruleId,
    region: referral.region,
    window: rule.window,
    responsible: referral.parties.recipient,
    counterparty: referral.parties.sender,
    amount: rule.amount,
    unit: rule.unit,
    provisional: false,
    provisionalYears: [],
    startedAt: new Date(ctx.now.getTime() - 86_400_000).toISOString(),
    warnAt: new Date(ctx.now.getTime() + dueInMs - 3600_000).toISOString(),
    dueAt: new Date(ctx.now.getTime() + dueInMs).toISOString(),
    status: dueInMs < 0 ? 'overdue' : 'open',
    openedSeq: 1,
    closedSeq: null,
    closedAt: null,
  };
}

const holder = (kind: ReferralKind, role: PartyRole) => codesOf(PARTIES[kind], role)[0];

describe('the decision', () => {
  it('takes every transition for its actor: the step moves the state, appends one event, opens its duties', () => {
    let walked = 0;
    for (const t of TRANSITIONS.filter((t) => t.from !== null)) {
      const actor = holder(t.kind, t.actor);
      if (!actor) continue;
      const referral = referralIn(t.kind, t.from!);
      // What some rows need: an overdue duty (supervision over an idle police), a running economic-crime review.
      const duties = [...t.requires.map((rule) => duty(referral, rule, -3600_000))];
      if (t.action === 'extend_review') {
        referral.facts = { economicCrime: true };
        duties.push(duty(referral, 'filing_decision_due', 3600_000));
      }
      const action = ActionCommandSchema.parse(BODIES[t.action]!(t.kind)) as ActionCommand;
      // The referral carries one file (a mismatch is reported about a file it carries).
      const files = [
        {
          sha256: 'd'.repeat(64),
          size: 10,
          mediaType: 'application/pdf',
          documentType: 'other',
          title: '照片',
        },
      ];
      const decision = decide(
        ctx,
        directory.get(actor)!,
        { referral, duties, files },
        { type: 'action', referralId: referral.id, action },
        {},
      );
      expect(decision.ok, `${t.kind} ${t.from} ${t.action} by ${t.actor}`).toBe(true);
      if (!decision.ok || decision.step.kind !== 'referral') continue;
      const step = decision.step;
      expect(step.after.state).toBe(t.to);
      expect(step.after.version).toBe(referral.version + 1);
      expect(step.events.map((e) => [e.seq, e.event, e.prevHash])).toEqual([
        [4, t.event, referral.head.hash],
      ]);
      expect(step.after.head).toEqual({ seq: 4, hash: step.events[0]!.hash });
      const sender = directory.get(referral.parties.sender)!;
      const applying = t.opens.filter((r) => {
        const rule = RULES_BY_ID.get(r)!;
        return !rule.appliesTo || rule.appliesTo.includes(sender.kind);
      });
      expect(step.opens.map((d) => d.ruleId)).toEqual(applying);
      const told = step.outgoing.filter((m) => m.type.startsWith('referral.')).map((m) => m.recipient);
      expect(told).not.toContain(actor);
      expect(new Set(told).size).toBe(told.length);
      // Every envelope is written as its RFC 8785 text: the relay seals the stored bytes as they are.
      for (const m of step.outgoing) expect(m.body).toBe(canonicalize(JSON.parse(m.body)));
      walked++;
    }
    expect(walked).toBeGreaterThan(TRANSITIONS.length / 2);
  });

  it('refuses every other (kind, state, action, role) with the code the table gives', () => {
    let refused = 0;
    for (const kind of REFERRAL_KINDS) {
      for (const state of STATES) {
        for (const role of PARTY_ROLES) {
          const actor = holder(kind, role);
          if (!actor) continue;
          for (const name of Object.keys(BODIES)) {
            // The agency may hold several roles (a procuratorate that sent an opinion is also its procuratorate).
            const allowed = permit(kind, state, name as never, rolesOf(PARTIES[kind], actor));
            if (allowed.ok) continue;
            const referral = referralIn(kind, state);
            const action = ActionCommandSchema.parse(BODIES[name]!(kind)) as ActionCommand;
            const decision = decide(
              ctx,
              directory.get(actor)!,
              { referral, duties: [] },
              { type: 'action', referralId: referral.id, action },
              {},
            );
            expect(decision.ok, `${kind} ${state} ${name} by ${role}`).toBe(false);
            if (!decision.ok) expect(decision.error.code).toBe(allowed.code);
            refused++;
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });

  it('tells a non-party that may not see the referral nothing, and one that may see it that it may not act', () => {
    const referral = referralIn('criminal_transfer', 'submitted');
    const action = { action: 'receipt' } as ActionCommand;
    const as = (code: string) =>
      decide(
        ctx,
        directory.get(code)!,
        { referral, duties: [] },
        { type: 'action', referralId: referral.id, action },
        {},
      );
    const stranger = as('sup');
    const coordinator = as('coord');
    expect(stranger.ok || stranger.error.code).toBe('REFERRAL_NOT_FOUND');
    expect(coordinator.ok || coordinator.error.code).toBe('ACTOR_NOT_PERMITTED');
  });

  it('lets only the kinds of agency the party rules name submit, to a recipient of the right kind', () => {
    const submission = {
      kind: 'duty_clue' as const,
      recipient: 'sup',
      caseSummary: { title: '线索', facts: '事实' },
      suspectedConduct: 'dereliction' as const,
      officials: [{ name: '赵某' }],
      documents: [],
    };
    const submit = (as: string, recipient = 'sup') =>
      decide(
        ctx,
        directory.get(as)!,
        { referral: null, duties: [] },
        { type: 'submit', submission: { ...submission, recipient } },
        {},
      );
    const made = submit('enf-a');
    expect(made.ok && made.step.kind === 'referral' && made.step.after.parties).toEqual({
      sender: 'enf-a',
      recipient: 'sup',
      procuratorate: null,
      copies: [],
    });
    const unknown = submit('enf-a', 'nobody');
    expect(unknown.ok || [unknown.error.code, unknown.error.message]).toEqual([
      'RECIPIENT_INVALID',
      'no such agency: nobody',
    ]);
    const wrongKind = submit('enf-a', 'pol-a');
    expect(wrongKind.ok || wrongKind.error.code).toBe('RECIPIENT_INVALID');
    const transfer = decide(
      ctx,
      directory.get('pol-a')!,
      { referral: null, duties: [] },
      {
        type: 'submit',
        submission: {
          kind: 'criminal_transfer',
          recipient: 'pol-b',
          caseSummary: { title: 't', facts: 'f' },
          suspectedOffence: 'o',
          documents: [],
          caseTeam: [],
          approvedAt: ctx.now.toISOString(),
          priorPenalties: [],
        },
      },
      {},
    );
    expect(transfer.ok || transfer.error.code).toBe('ACTOR_NOT_PERMITTED');
  });
});
