import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Calendar, type HolidayYear } from '../../schemas/calendar.js';
import { RULES_BY_ID } from '../../schemas/deadlines.js';
import { decide } from '../../schemas/decide.js';
import type { DecisionContext } from '../../schemas/decision-context.js';
import { directoryView } from '../../schemas/parties.js';
import { policyView } from '../../schemas/policy.js';
import { applyDutyChange, type Duty, type Referral } from '../../schemas/referral-state.js';
import { scopeOf } from '../../schemas/visibility.js';
import { TEST_AGENCIES } from '../helpers/fixtures.js';

/**
 * A provisional due time recounted when the year's calendar is loaded. By hand: a duty_clue received on
 * Thursday 2027-02-04 10:00 (CST) owes its receipt in 3 calendar days, so the last day is Sunday 02-07.
 * Synthesised from 放假办法, 2027 rests on 02-05..02-08 (春节 Art 2) and 02-09, 02-10 (Art 6: 初一 and 初二
 * fell on the weekend), so the due time rolls to 24:00 on Thursday 02-11. A notice that rests only on
 * 02-05..02-08 rolls it to 24:00 on Tuesday 02-09.
 */
const STARTED = '2027-02-04T02:00:00.000Z';
const SYNTHESISED_DUE = '2027-02-11T16:00:00.000Z';
const OFFICIAL: HolidayYear = {
  year: 2027,
  source: 'test notice',
  provisional: false,
  holidays: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'],
  workdays: [],
};
const OFFICIAL_DUE = '2027-02-09T16:00:00.000Z';

const directory = directoryView(TEST_AGENCIES);
function contextOver(years: HolidayYear[], now: string): DecisionContext {
  return {
    now: new Date(now),
    directory,
    policy: policyView(new Calendar(years), [], new Set()),
    scopeOf: (actor) => scopeOf(TEST_AGENCIES, actor),
    newId: () => randomUUID(),
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    fileLimits: { maxBytes: 1024 ** 3, maxCount: 500 },
  };
}

function clue(): Referral {
  const parties = { sender: 'enf-a', recipient: 'sup', procuratorate: null, copies: [] };
  return {
    id: randomUUID(),
    kind: 'duty_clue',
    state: 'submitted',
    version: 1,
    parties,
    participants: ['enf-a', 'sup'],
    region: '110101',
    late: false,
    head: { seq: 1, hash: 'a'.repeat(64) },
    milestones: {},
    facts: {},
    submission: {},
    approvedAt: null,
    createdAt: STARTED,
    updatedAt: STARTED,
  };
}

/** The clue's receipt duty as the decision opened it over the synthesised 2027. */
function openedDuty(referral: Referral, over: Partial<Duty> = {}): Duty {
  const ctx = contextOver([], STARTED);
  const counted = ctx.policy.schedule(referral.region, 'clue_receipt_due', new Date(STARTED));
  const rule = RULES_BY_ID.get('clue_receipt_due')!;
  return {
    id: randomUUID(),
    referralId: referral.id,
    ruleId: rule.id,
    region: referral.region,
    window: false,
    responsible: 'sup',
    counterparty: 'enf-a',
    amount: rule.amount,
    unit: rule.unit,
    startedAt: STARTED,
    warnAt: counted.warnAt.toISOString(),
    dueAt: counted.dueAt.toISOString(),
    provisional: counted.provisional,
    provisionalYears: counted.provisionalYears,
    status: 'open',
    openedSeq: 1,
    closedSeq: null,
    closedAt: null,
    ...over,
  };
}

function recheck(ctx: DecisionContext, referral: Referral, duty: Duty) {
  return decide(
    ctx,
    'hub',
    { referral, duties: [duty] },
    { type: 'recheck_deadline', referralId: referral.id, dutyId: duty.id },
    {},
  );
}

describe('recounting a provisional due time', () => {
  it('opens the duty provisional over a synthesised year, with the give-back days', () => {
    const duty = openedDuty(clue());
    expect(duty).toMatchObject({ dueAt: SYNTHESISED_DUE, provisional: true });
  });

  it('moves the due time when the notice differs: a ledger event and deadline.moved to those alarms go to', () => {
    const referral = clue();
    const duty = openedDuty(referral);
    const decision = recheck(contextOver([OFFICIAL], '2027-02-01T00:00:00Z'), referral, duty);
    if (!decision.ok) throw decision.error;
    const step = decision.step;
    if (step.kind !== 'referral') throw new Error('a referral step');
    expect(step.events.map((e) => [e.event, e.seq])).toEqual([['deadline_moved', 2]]);
    expect(step.events[0]!.payload).toMatchObject({
      dutyId: duty.id,
      dueAt: OFFICIAL_DUE,
      previousDueAt: SYNTHESISED_DUE,
      provisional: false,
      provisionalYears: [],
    });
    expect(step.changes).toEqual([
      expect.objectContaining({ id: duty.id, status: 'open', dueAt: OFFICIAL_DUE, provisional: false }),
    ]);
    expect(step.outgoing.map((m) => `${m.type}>${m.recipient}`).sort()).toEqual([
      'deadline.moved>coord',
      'deadline.moved>enf-a',
      'deadline.moved>proc',
      'deadline.moved>sup',
    ]);
    expect(step.after.state).toBe('submitted');
    expect(step.after.version).toBe(referral.version + 1);
  });

  it('confirms an unchanged due time on the ledger only, and refuses when nothing is known yet', () => {
    const referral = clue();
    const duty = openedDuty(referral, { startedAt: '2027-03-01T02:00:00.000Z' });
    const later = contextOver([], '2027-02-01T00:00:00Z').policy.schedule(
      referral.region,
      'clue_receipt_due',
      new Date('2027-03-01T02:00:00.000Z'),
    );
    const march = { ...duty, dueAt: later.dueAt.toISOString(), warnAt: later.warnAt.toISOString() };
    const confirmed = recheck(contextOver([OFFICIAL], '2027-02-01T00:00:00Z'), referral, march);
    if (!confirmed.ok) throw confirmed.error;
    expect(confirmed.step.kind === 'referral' && confirmed.step.events.map((e) => e.event)).toEqual([
      'deadline_confirmed',
    ]);
    expect(confirmed.step.outgoing).toEqual([]);
    expect(confirmed.step.kind === 'referral' && confirmed.step.changes[0]).toMatchObject({
      dueAt: '2027-03-04T16:00:00.000Z',
      provisional: false,
    });
    // Still synthesised: nothing to change, refused (two watchers never recount one duty twice).
    const same = recheck(contextOver([], '2027-02-01T00:00:00Z'), referral, march);
    expect(same.ok ? 'ok' : same.error.code).toBe('TRANSITION_NOT_ALLOWED');
    // A duty no longer provisional, or already met, is not recounted.
    const official = recheck(contextOver([OFFICIAL], '2027-02-01T00:00:00Z'), referral, {
      ...march,
      provisional: false,
    });
    expect(official.ok).toBe(false);
    const met = recheck(contextOver([OFFICIAL], '2027-02-01T00:00:00Z'), referral, {
      ...duty,
      status: 'met',
    });
    expect(met.ok).toBe(false);
  });

  it('takes back an alarm raised too early for the new due time, and keeps one still due', () => {
    const referral = clue();
    // A notice that rests to 02-12: the due time moves later, to 24:00 on 02-15 (Monday).
    const longer: HolidayYear = {
      ...OFFICIAL,
      holidays: [
        '2027-02-05',
        '2027-02-06',
        '2027-02-07',
        '2027-02-08',
        '2027-02-09',
        '2027-02-10',
        '2027-02-11',
        '2027-02-12',
      ],
    };
    const overdue = openedDuty(referral, { status: 'overdue' });
    const movedLater = recheck(contextOver([longer], '2027-02-15T02:00:00Z'), referral, overdue);
    if (!movedLater.ok || movedLater.step.kind !== 'referral') throw new Error('moved');
    expect(movedLater.step.changes[0]).toMatchObject({ dueAt: '2027-02-15T16:00:00.000Z', status: 'warned' });
    const early = recheck(contextOver([longer], '2027-02-05T02:00:00Z'), referral, {
      ...overdue,
      status: 'warned',
    });
    if (!early.ok || early.step.kind !== 'referral') throw new Error('moved');
    expect(early.step.changes[0]).toMatchObject({ status: 'open' });
    // Moved earlier, past now: the duty stays overdue.
    const earlier = recheck(contextOver([OFFICIAL], '2027-02-10T02:00:00Z'), referral, overdue);
    if (!earlier.ok || earlier.step.kind !== 'referral') throw new Error('moved');
    expect(earlier.step.changes[0]).toMatchObject({ dueAt: OFFICIAL_DUE, status: 'overdue' });
  });

  it('opens a window that lapsed at a provisional due time again when the new one is ahead', () => {
    const referral = clue();
    // Treated as a window for the count: the same 3 calendar days, lapsed at the synthesised 02-11.
    const lapsed = openedDuty(referral, {
      window: true,
      status: 'lapsed',
      closedAt: SYNTHESISED_DUE,
    });
    // A notice resting to 02-12: due 24:00 on 02-15, ahead of 02-12 10:00.
    const longer: HolidayYear = {
      ...OFFICIAL,
      holidays: [...OFFICIAL.holidays, '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
    };
    const reopened = recheck(contextOver([longer], '2027-02-12T02:00:00Z'), referral, lapsed);
    if (!reopened.ok || reopened.step.kind !== 'referral') throw new Error('moved');
    const change = reopened.step.changes[0]!;
    expect(change).toMatchObject({ status: 'open', dueAt: '2027-02-15T16:00:00.000Z' });
    expect(applyDutyChange(lapsed, change)).toMatchObject({
      status: 'open',
      closedAt: null,
      closedSeq: null,
    });
    // Moved earlier (02-09): it stays lapsed, closed at its new due time.
    const still = recheck(contextOver([OFFICIAL], '2027-02-12T02:00:00Z'), referral, lapsed);
    if (!still.ok || still.step.kind !== 'referral') throw new Error('moved');
    expect(applyDutyChange(lapsed, still.step.changes[0]!)).toMatchObject({
      status: 'lapsed',
      closedAt: OFFICIAL_DUE,
      dueAt: OFFICIAL_DUE,
    });
  });

  it('confirms a due time whose years changed though one is still without a notice, and keeps those years', () => {
    const referral = clue();
    // Recorded as resting on 2027 and 2028; counted again, only 2027 (still synthesised) is consulted.
    const duty = openedDuty(referral, { provisionalYears: [2027, 2028] });
    const synthesised = contextOver([], '2027-02-01T00:00:00Z');
    const decision = recheck(synthesised, referral, duty);
    if (!decision.ok || decision.step.kind !== 'referral') throw new Error('confirmed');
    expect(decision.step.events[0]!.event).toBe('deadline_confirmed');
    expect(decision.step.events[0]!.payload).toMatchObject({
      dueAt: SYNTHESISED_DUE,
      provisionalYears: [2027],
    });
    const change = decision.step.changes[0]!;
    expect(change).toMatchObject({ provisional: true, provisionalYears: [2027] });
    // The same count over the same years again: refused.
    const same = recheck(synthesised, referral, applyDutyChange(duty, change));
    expect(same.ok ? 'ok' : same.error.code).toBe('TRANSITION_NOT_ALLOWED');
  });

  it('clears provisional from a duty met, and lists the years on one opened provisional', () => {
    const referral = clue();
    const duty = openedDuty(referral);
    expect(duty.provisionalYears).toEqual([2027]);
    const met = applyDutyChange(duty, {
      id: duty.id,
      status: 'met',
      closedAt: STARTED,
      closedSeq: 2,
      provisional: false,
      provisionalYears: [],
    });
    expect(met).toMatchObject({ provisional: false, provisionalYears: [], closedAt: STARTED, closedSeq: 2 });
  });

  it('is the hub’s alone', () => {
    const referral = clue();
    const duty = openedDuty(referral);
    const decision = decide(
      contextOver([OFFICIAL], '2027-02-01T00:00:00Z'),
      TEST_AGENCIES.find((a) => a.code === 'sup')!,
      { referral, duties: [duty] },
      { type: 'recheck_deadline', referralId: referral.id, dutyId: duty.id },
      {},
    );
    expect(decision.ok ? 'ok' : decision.error.code).toBe('ACTOR_NOT_PERMITTED');
  });
});
