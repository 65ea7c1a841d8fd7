import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryRecord } from '../db/outbox.js';
import { loadCalendarYear } from '../db/region-settings.js';
import type { HolidayYear } from '../schemas/calendar.js';
import { DEADLINES_BY_HAND, handClock } from './helpers/clock.js';
import { dutyClue } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

// Thursday 2027-02-04 10:00 in Beijing: the day before 春节's days off, in a year without a notice yet.
const time = handClock('2027-02-04T02:00:00Z');

let hub: TestHub;
beforeAll(async () => {
  // Only explicit ticks: the background watcher sleeps for an hour after its first pass.
  hub = await createTestHub({ clock: time.clock, env: DEADLINES_BY_HAND });
});
afterAll(async () => {
  await hub?.close();
});

/** The State Council's notice as loaded (a test's: rest on 02-05..02-08 only, none given back). */
const NOTICE: HolidayYear = {
  year: 2027,
  source: 'test notice',
  provisional: false,
  holidays: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'],
  workdays: [],
};

async function receiptDuty(id: string) {
  const view = await hub.request('enf-a', 'GET', `/v1/referrals/${id}`);
  return view.body.duties.find((d: { rule: string }) => d.rule === 'clue_receipt_due');
}

describe('due times over a year without a notice', () => {
  it('are provisional until the year is loaded, then recounted: moved with a ledger event and a notice, or confirmed', async () => {
    // By hand: 3 calendar days from 02-04 end on Sunday 02-07; synthesised 2027 rests 02-05..02-10
    // (放假办法 Art 2, and Art 6 gives back 初一 and 初二, which fell on the weekend), so 24:00 on 02-11.
    const moving = (await hub.request('enf-a', 'POST', '/v1/referrals', dutyClue)).body.id as string;
    time.set('2027-03-01T02:00:00Z'); // Monday: 3 days end on Thursday 03-04, a working day either way
    const staying = (await hub.request('enf-a', 'POST', '/v1/referrals', dutyClue)).body.id as string;
    time.set('2027-02-04T03:00:00Z');
    expect(await receiptDuty(moving)).toMatchObject({
      dueAt: '2027-02-11T16:00:00.000Z',
      provisional: true,
      status: 'open',
    });
    expect(await receiptDuty(staying)).toMatchObject({
      dueAt: '2027-03-04T16:00:00.000Z',
      provisional: true,
    });
    // Nothing loaded: nothing to recount.
    expect((await hub.workers.deadlines.tick()).recounted).toBe(0);

    await loadCalendarYear(hub.db, NOTICE);
    hub.policy.invalidate();
    expect((await hub.workers.deadlines.tick()).recounted).toBe(2);
    // 02-07 rests, 02-08 too: the first working day is Tuesday 02-09.
    expect(await receiptDuty(moving)).toMatchObject({
      dueAt: '2027-02-09T16:00:00.000Z',
      provisional: false,
    });
    expect(await receiptDuty(staying)).toMatchObject({
      dueAt: '2027-03-04T16:00:00.000Z',
      provisional: false,
    });

    const ledger = async (id: string) =>
      (await hub.request('enf-a', 'GET', `/v1/referrals/${id}`)).body.ledger as {
        event: string;
        payload: Record<string, unknown>;
      }[];
    const moved = (await ledger(moving)).at(-1)!;
    expect(moved.event).toBe('deadline_moved');
    expect(moved.payload).toMatchObject({
      rule: 'clue_receipt_due',
      previousDueAt: '2027-02-11T16:00:00.000Z',
      dueAt: '2027-02-09T16:00:00.000Z',
      provisional: false,
    });
    expect((await ledger(staying)).at(-1)!.event).toBe('deadline_confirmed');
    for (const id of [moving, staying]) {
      expect((await hub.request('enf-a', 'GET', `/v1/referrals/${id}/verify`)).body.valid).toBe(true);
    }

    // Told: the responsible commission, the agency, the procuratorate and the coordinator; once each.
    const record = await deliveryRecord(hub.db, { referralId: moving });
    expect(
      record
        .filter((d) => d.type === 'deadline.moved')
        .map((d) => d.recipient)
        .sort(),
    ).toEqual(['coord', 'enf-a', 'proc', 'sup']);
    expect(
      (await deliveryRecord(hub.db, { referralId: staying })).some((d) => d.type.startsWith('deadline.')),
    ).toBe(false);
    const inbox = await hub.inbox('enf-a');
    const got = await waitFor(
      () =>
        inbox.received.find((r) => r.envelope.type === 'deadline.moved' && r.envelope.referralId === moving),
      'deadline.moved reaches the agency',
    );
    expect(got.envelope.payload).toMatchObject({ dueAt: '2027-02-09T16:00:00.000Z', status: 'open' });

    // Recounted once: the same calendar again recounts nothing.
    hub.policy.invalidate();
    expect((await hub.workers.deadlines.tick()).recounted).toBe(0);
  });

  it('recounts on the next tick a due time another process counted over an older calendar', async () => {
    // The notice for 2027 is loaded (above). A gateway whose calendar was cached before that load opens
    // the duty over the synthesised year, as this row now records it.
    time.set('2027-02-04T04:00:00Z');
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', dutyClue)).body.id as string;
    const duty = await receiptDuty(id);
    expect(duty).toMatchObject({ dueAt: '2027-02-09T16:00:00.000Z', provisional: false });
    await sql`UPDATE duties SET provisional = true, provisional_years = '{2027}',
      due_at = '2027-02-11T16:00:00Z' WHERE id = ${duty.id}`.execute(hub.db);
    // The watcher's calendar did not change since its last full pass: it finds the duty all the same.
    expect((await hub.workers.deadlines.tick()).recounted).toBe(1);
    expect(await receiptDuty(id)).toMatchObject({ dueAt: '2027-02-09T16:00:00.000Z', provisional: false });
    expect((await hub.workers.deadlines.tick()).recounted).toBe(0);
  });

  it('raises the alarms when a recount fails on a bug, and skips that duty afterwards', async () => {
    time.set('2027-02-04T05:00:00Z');
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', dutyClue)).body.id as string;
    const duty = await receiptDuty(id);
    // A provisional duty under a rule the hub no longer knows: its recount throws, not a refusal.
    await sql`UPDATE duties SET rule_id = 'retired_rule', provisional = true, provisional_years = '{2027}'
      WHERE id = ${duty.id}`.execute(hub.db);
    time.set('2027-02-20T02:00:00Z');
    const first = await hub.workers.deadlines.tick();
    expect(first.recounted).toBe(0);
    // The receipts of the referrals above are overdue now, and raised.
    expect(first.overdue).toBeGreaterThanOrEqual(2);
    const second = await hub.workers.deadlines.tick();
    expect(second).toMatchObject({ recounted: 0, overdue: 0 });
    const row = await sql<{ provisional: boolean; status: string }>`
      SELECT provisional, status FROM duties WHERE id = ${duty.id}`.execute(hub.db);
    // Not recounted (skipped), yet its own alarm was raised like every other.
    expect(row.rows[0]).toMatchObject({ provisional: true, status: 'overdue' });
  });
});
