import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestOwedDueAt } from '../db/calendar-years.js';
import { CommandPath } from '../db/command-path.js';
import { deliveryRecord } from '../db/outbox.js';
import { setOverride } from '../db/region-settings.js';
import { RULES_BY_ID } from '../schemas/deadlines.js';
import { DeadlineWatcher } from '../workers/deadlines.js';
import { DEADLINES_BY_HAND, HOUR, handClock } from './helpers/clock.js';
import { criminalTransfer, REGION } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

const time = handClock('2026-11-23T01:00:00Z'); // Monday 09:00 in Beijing

let hub: TestHub;
beforeAll(async () => {
  // Only explicit ticks here: the background watcher sleeps for an hour.
  hub = await createTestHub({ clock: time.clock, env: DEADLINES_BY_HAND });
});
afterAll(async () => {
  await hub?.close();
});

async function duty(referralId: string, rule: string) {
  const view = await hub.request('enf-a', 'GET', `/v1/referrals/${referralId}`);
  return (
    view.body.duties.find((d: { rule: string; status: string }) => d.rule === rule && d.status !== 'met') ??
    view.body.duties.find((d: { rule: string }) => d.rule === rule)
  );
}

/**
 * The deadline alarms about a referral as their recipients got them: the AMQP agencies' systems (once the
 * relay has published everything) and the coordinator's HTTP inbox; `type:rule>recipient` each.
 */
async function alarms(referralId: string) {
  const record = await waitFor(async () => {
    const all = (await deliveryRecord(hub.db, { referralId })).filter((d) => d.type.startsWith('deadline.'));
    return all.every((d) => d.channel === 'http' || d.status !== 'queued') ? all : undefined;
  }, 'every alarm published');
  const received: { type: string; rule: string; recipient: string }[] = [];
  for (const code of ['enf-a', 'pol-a', 'proc']) {
    const expected = record.filter((d) => d.recipient === code).length;
    const inbox = await hub.inbox(code);
    const got = await waitFor(() => {
      const mine = inbox.received
        .map((r) => r.envelope)
        .filter((e) => e.referralId === referralId && String(e.type).startsWith('deadline.'));
      return mine.length >= expected ? mine : undefined;
    }, `the alarms ${code} got`);
    received.push(...got.map((e) => ({ type: e.type, rule: e.payload.rule, recipient: code })));
  }
  const pulled = await hub.request('coord', 'GET', '/v1/inbox?limit=500');
  for (const e of pulled.body.messages) {
    if (e.referralId === referralId && String(e.type).startsWith('deadline.'))
      received.push({ type: e.type, rule: e.payload.rule, recipient: 'coord' });
  }
  return received.map((r) => `${r.type}:${r.rule}>${r.recipient}`);
}

async function act(as: string, id: string, body: Record<string, unknown>) {
  const response = await hub.request(as, 'POST', `/v1/referrals/${id}/actions`, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

describe('the duty ledger', () => {
  it('warns before and records the breach of three rules, each once, on the chain', async () => {
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer({}, time.now));
    const id = submitted.body.id as string;
    expect(await duty(id, 'send_after_approval')).toMatchObject({ status: 'met' });
    expect(await duty(id, 'receipt_due')).toMatchObject({
      status: 'open',
      source: expect.stringContaining('Art 7'),
    });

    // receipt_due: 24 h, warned at 75 % of the period.
    time.advance(19 * HOUR);
    expect(await hub.workers.deadlines.tick()).toMatchObject({ approaching: 1, overdue: 0 });
    expect(await hub.workers.deadlines.tick()).toMatchObject({ approaching: 0, overdue: 0 });
    time.advance(6 * HOUR);
    expect(await hub.workers.deadlines.tick()).toMatchObject({ overdue: 1 });
    expect(await duty(id, 'receipt_due')).toMatchObject({ status: 'overdue' });
    await act('pol-a', id, { action: 'receipt' });
    expect(await duty(id, 'receipt_due')).toMatchObject({ status: 'met_late' });

    // filing_decision_due: 3 calendar days from Tuesday 10:00 → end of Friday.
    const filing = await duty(id, 'filing_decision_due');
    expect(filing).toMatchObject({ status: 'open', dueAt: '2026-11-27T16:00:00.000Z' });
    time.set('2026-11-27T01:00:00Z');
    expect(await hub.workers.deadlines.tick()).toMatchObject({ approaching: 1 });
    time.set('2026-11-27T17:00:00Z');
    expect(await hub.workers.deadlines.tick()).toMatchObject({ overdue: 1 });

    // supplement_due: 3 calendar days for the agency, opened by the (late) supplement request; the filing
    // review keeps running meanwhile (MPS Art 180(2)): the request neither closes nor restarts it.
    await act('pol-a', id, { action: 'request_supplement', items: ['鉴定意见'] });
    expect(await duty(id, 'filing_decision_due')).toMatchObject({ status: 'overdue' });
    expect(await duty(id, 'supplement_request_window')).toMatchObject({ status: 'met_late' });
    const supplement = await duty(id, 'supplement_due');
    expect(supplement).toMatchObject({
      status: 'open',
      responsible: 'enf-a',
      period: { amount: 3, unit: 'calendar_day' },
    });
    time.set(Date.parse(supplement.warnAt) + 60_000);
    expect(await hub.workers.deadlines.tick()).toMatchObject({ approaching: 1 });
    time.set(Date.parse(supplement.dueAt) + 60_000);
    expect(await hub.workers.deadlines.tick()).toMatchObject({ overdue: 1 });

    const raised = await alarms(id);
    for (const rule of ['receipt_due', 'filing_decision_due', 'supplement_due']) {
      for (const alarm of ['approaching', 'overdue']) {
        const sent = raised.filter((a) => a.startsWith(`deadline.${alarm}:${rule}>`));
        // The responsible body, the counterparty, the procuratorate and the coordinator, once each.
        expect(sent.map((a) => a.split('>')[1]).sort(), `${alarm} ${rule}`).toEqual([
          'coord',
          'enf-a',
          'pol-a',
          'proc',
        ]);
      }
    }
    const view = await hub.request('proc', 'GET', `/v1/referrals/${id}`);
    const events = view.body.ledger.map((e: { event: string }) => e.event);
    expect(events.filter((e: string) => e === 'deadline_approaching')).toHaveLength(3);
    expect(events.filter((e: string) => e === 'deadline_overdue')).toHaveLength(3);
    // A duty row keeps only its rule id: the alarm names the rule's title and article from the rule table.
    const overdue = view.body.ledger.find(
      (e: { event: string; payload: { rule: string } }) =>
        e.event === 'deadline_overdue' && e.payload.rule === 'receipt_due',
    );
    expect(overdue.payload).toMatchObject({
      title: RULES_BY_ID.get('receipt_due')?.title,
      source: RULES_BY_ID.get('receipt_due')?.source,
    });
    expect(overdue.payload.title).toContain('回执');
    expect((await hub.request('proc', 'GET', `/v1/referrals/${id}/verify`)).body.valid).toBe(true);
  });

  it('never sends the same warning twice when two watchers run at once, nor after a restart', async () => {
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer({}, time.now));
    const id = submitted.body.id as string;
    time.advance(19 * HOUR);
    // Each watcher with a command path of its own, as in four worker processes.
    const watcher = () =>
      new DeadlineWatcher(
        {
          db: hub.db,
          clock: time.clock,
          commands: new CommandPath({
            db: hub.db,
            directory: hub.directory,
            policy: hub.policy,
            clock: time.clock,
          }),
        },
        3_600_000,
        { warn() {}, info() {} } as never,
      );
    const watchers = Array.from({ length: 4 }, watcher);
    const results = await Promise.all(watchers.map((w) => w.tick()));
    expect(results.reduce((sum, r) => sum + r.approaching, 0)).toBe(1);
    // A restarted worker (a new instance) finds the duty already warned, and the breach still to come.
    const restarted = watcher();
    expect((await restarted.tick()).approaching).toBe(0);
    time.advance(6 * HOUR);
    const breaches = await Promise.all([restarted.tick(), watchers[0]!.tick()]);
    expect(breaches.reduce((sum, r) => sum + r.overdue, 0)).toBe(1);
    expect(
      (await alarms(id)).filter((a) => a.startsWith('deadline.overdue') && a.endsWith('>pol-a')),
    ).toHaveLength(1);
  });

  it('flags a transfer sent later than 24 h after approval as met late on arrival', async () => {
    const late = await hub.request(
      'enf-a',
      'POST',
      '/v1/referrals',
      criminalTransfer({ approvedAt: new Date(time.now.getTime() - 30 * HOUR).toISOString() }, time.now),
    );
    expect(late.body.late).toBe(true);
    expect(await duty(late.body.id, 'send_after_approval')).toMatchObject({ status: 'met_late' });
  });

  it('applies a region override of a rule without a deploy', async () => {
    await setOverride(hub.db, REGION, 'receipt_due', { amount: 2, unit: 'working_day', leadFraction: 0.5 });
    hub.policy.invalidate();
    time.set('2026-11-27T02:00:00Z'); // Friday 10:00 in Beijing
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer({}, time.now));
    const receipt = await duty(submitted.body.id, 'receipt_due');
    // Two working days after Friday: Monday and Tuesday, to 24:00 Tuesday Beijing time.
    expect(receipt).toMatchObject({
      period: { amount: 2, unit: 'working_day' },
      dueAt: '2026-12-01T16:00:00.000Z',
    });
  });

  it('lets an unused reconsideration window lapse without a breach', async () => {
    time.set('2026-11-23T01:00:00Z');
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer({}, time.now));
    const id = submitted.body.id as string;
    await act('pol-a', id, { action: 'receipt' });
    await act('pol-a', id, { action: 'decline', reasonCode: 'no_crime_facts', reasons: '无犯罪事实' });
    time.advance(10 * 24 * HOUR);
    await hub.workers.deadlines.tick();
    expect(await duty(id, 'reconsideration_request_window')).toMatchObject({
      status: 'lapsed',
      window: true,
    });
    expect((await alarms(id)).filter((a) => a.includes('reconsideration_request_window'))).toEqual([]);
  });
});

describe('duties in a year without the State Council notice', () => {
  it('counts over the synthesised 2027 and says so in hub calendar status', async () => {
    time.set('2027-04-30T02:00:00Z'); // Friday 10:00 in Beijing
    const submitted = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer({}, time.now));
    const id = submitted.body.id as string;
    await act('pol-a', id, { action: 'receipt' });
    // 04-30 + 3 days is Monday 05-03, given back with 05-04 for 劳动节's weekend (放假办法 Art 6): the
    // filing decision is due at 24:00 on Wednesday 05-05.
    expect(await duty(id, 'filing_decision_due')).toMatchObject({ dueAt: '2027-05-05T16:00:00.000Z' });
    expect(await latestOwedDueAt(hub.db)).toEqual(new Date('2027-05-05T16:00:00.000Z'));
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bin/hub.ts', 'calendar', 'status'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { ...process.env, DATABASE_URL: hub.config.DATABASE_URL },
      encoding: 'utf8',
    });
    expect(out).toContain('2025  official\n2026  official\n2027  provisional (synthesised)\n');
    expect(out).toContain('the latest owed duty is due 2027-05-05T16:00:00.000Z (reaches 2027)');
  });
});
