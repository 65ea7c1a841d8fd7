import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyYearlyReport } from '../db/yearly-report.js';
import { DECLINE_REASON_LABELS, RULE_LABELS } from '../schemas/labels.js';
import { DEADLINES_BY_HAND, HOUR, handClock } from './helpers/clock.js';
import { criminalTransfer, REGION } from './helpers/fixtures.js';
import { runHubCli } from './helpers/hub-cli.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

const time = handClock('2026-03-02T01:00:00Z'); // Monday 09:00 Beijing

let hub: TestHub;
const ids = { filed: '', declined: '', stuck: '', unit: '' };

async function submit(as: string, overrides: Record<string, unknown> = {}) {
  const r = await hub.request(as, 'POST', '/v1/referrals', criminalTransfer(overrides, time.now));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}
async function act(as: string, id: string, body: Record<string, unknown>) {
  const r = await hub.request(as, 'POST', `/v1/referrals/${id}/actions`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

beforeAll(async () => {
  hub = await createTestHub({ clock: time.clock, env: DEADLINES_BY_HAND });
  // A small year: one transfer filed quickly, one declined, one left unreceipted (overdue), one from a unit.
  ids.filed = await submit('enf-a');
  time.advance(2 * HOUR);
  await act('pol-a', ids.filed, { action: 'receipt' });
  time.advance(20 * HOUR);
  await act('pol-a', ids.filed, { action: 'file' });
  ids.declined = await submit('enf-b');
  time.advance(4 * HOUR);
  await act('pol-a', ids.declined, { action: 'receipt' });
  time.advance(30 * HOUR);
  await act('pol-a', ids.declined, {
    action: 'decline',
    reasonCode: 'below_threshold',
    reasons: '未达追诉标准',
  });
  ids.stuck = await submit('enf-a');
  ids.unit = await submit('enf-a-east', { recipient: 'pol-b' });
  time.advance(40 * HOUR);
  await hub.workers.deadlines.tick();
});
afterAll(async () => {
  await hub?.close();
});

describe('the backlog', () => {
  it('lists who owes what to whom by when, most overdue first, with the article', async () => {
    const r = await hub.request('coord', 'GET', '/v1/backlog');
    expect(r.status).toBe(200);
    const duties = r.body.duties as {
      referralId: string;
      rule: string;
      owedBy: string;
      owedTo: string;
      source: string;
      overdueHours: number;
      dueAt: string;
    }[];
    const dues = duties.map((d) => Date.parse(d.dueAt));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    const stuck = duties.find((d) => d.referralId === ids.stuck);
    expect(stuck).toMatchObject({
      rule: 'receipt_due',
      owedBy: 'pol-a',
      owedTo: 'enf-a',
      source: expect.stringContaining('Decree 310'),
    });
    expect(stuck?.overdueHours).toBeGreaterThan(0);
    // goods handover after filing is owed by the agency
    expect(duties.find((d) => d.referralId === ids.filed)).toMatchObject({
      rule: 'goods_handover_due',
      owedBy: 'enf-a',
    });
  });

  it('filters by agency, kind and overdue', async () => {
    const overdue = await hub.request('coord', 'GET', '/v1/backlog?overdue=true');
    expect(overdue.body.duties.every((d: { overdueHours: number }) => d.overdueHours > 0)).toBe(true);
    const forB = await hub.request('coord', 'GET', '/v1/backlog?agency=pol-b');
    expect(forB.body.duties.map((d: { referralId: string }) => d.referralId)).toEqual([ids.unit]);
    const clues = await hub.request('coord', 'GET', '/v1/backlog?kind=duty_clue');
    expect(clues.body.duties).toEqual([]);
    const open = await hub.request('coord', 'GET', '/v1/backlog');
    expect(open.body.referrals.map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining([ids.stuck, ids.unit, ids.filed]),
    );
  });

  it('shows an agency only what it may see', async () => {
    const r = await hub.request('enf-b', 'GET', '/v1/backlog');
    expect(r.body.referrals.map((x: { id: string }) => x.id)).toEqual([ids.declined]);
  });
});

describe('statistics and the yearly report', () => {
  it('counts the region per agency with decline reasons, times and on-time rates', async () => {
    const r = await hub.request(
      'coord',
      'GET',
      '/v1/statistics?from=2026-01-01T00:00:00%2B08:00&to=2027-01-01T00:00:00%2B08:00',
    );
    expect(r.status).toBe(200);
    expect(r.body.byKind.criminal_transfer).toMatchObject({ count: 4, receipted: 2, filed: 1, declined: 1 });
    const a = r.body.bySender.find(
      (x: { agency: string; kind: string }) => x.agency === 'enf-a' && x.kind === 'criminal_transfer',
    );
    expect(a).toMatchObject({ sent: 2, filed: 1 });
    expect(r.body.declineReasons).toEqual({ below_threshold: 1 });
    expect(r.body.hoursToReceipt).toMatchObject({ median: 3, n: 2 });
    const receipt = r.body.onTime.find((x: { rule: string }) => x.rule === 'receipt_due');
    expect(receipt).toMatchObject({ met: 2, overdue: 2, rate: 0.5 });
    expect(r.body.monthly).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ month: '2026-03', kind: 'criminal_transfer', submitted: 4 }),
      ]),
    );
  });

  it('reads a period given as dates (China Standard Time, to inclusive) or with a + the URL made a space', async () => {
    const days = await hub.request('coord', 'GET', '/v1/statistics?from=2026-01-01&to=2026-12-31');
    expect(days.status).toBe(200);
    expect(days.body.period).toEqual({ from: '2025-12-31T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' });
    const spaced = await hub.request('coord', 'GET', '/v1/statistics?from=2026-01-01T00:00:00+08:00');
    expect([spaced.status, spaced.body.period?.from]).toEqual([200, '2025-12-31T16:00:00.000Z']);
    // Before: 400 "Invalid ISO datetime" for both.
    const wrong = await hub.request('coord', 'GET', '/v1/statistics?from=2026-02-30');
    expect([wrong.status, wrong.body.code, wrong.body.message]).toEqual([
      400,
      'VALIDATION_FAILED',
      'querystring/from: 2026-02-30 is no day of the calendar',
    ]);
  });

  it('refuses region figures to an agency that is not region-wide', async () => {
    const r = await hub.request('enf-a', 'GET', '/v1/statistics');
    expect([r.status, r.body.code]).toEqual([403, 'ACTOR_NOT_PERMITTED']);
  });

  it('flags penalty cases above the threshold that were never transferred', async () => {
    await hub.db
      .insertInto('region_settings')
      .values({ region: REGION, justice_copy: false, penalty_threshold_yuan: 50000 })
      .execute();
    for (const [no, amount] of [
      ['罚-1', 80000],
      ['罚-2', 10000],
    ] as const) {
      const r = await hub.request('enf-a', 'POST', '/v1/penalty-cases', {
        decisionNo: no,
        decidedAt: time.now.toISOString(),
        amountYuan: amount,
        offence: '销售假冒商品',
      });
      expect(r.status).toBe(201);
    }
    const r = await hub.request('coord', 'GET', '/v1/statistics');
    expect(r.body.penaltyRisk).toMatchObject({
      thresholdYuan: 50000,
      cases: [{ agency: 'enf-a', decisionNo: '罚-1', amountYuan: 80000 }],
    });
  });

  it('links a penalty case to a referral of the reporting agency only, and names one that is not', async () => {
    const report = (as: string, no: string, referralId: string) =>
      hub.request(as, 'POST', '/v1/penalty-cases', {
        decisionNo: no,
        decidedAt: time.now.toISOString(),
        amountYuan: 20000,
        offence: '销售假冒商品',
        referralId,
      });
    // The declined transfer is enf-b's: back with it for an administrative penalty.
    const linked = await report('enf-b', '罚-link-1', ids.declined);
    expect([linked.status, linked.body]).toEqual([201, expect.anything()]);
    // Before: the foreign key's refusal reached the client as 500 INTERNAL.
    const unknown = randomUUID();
    const missing = await report('enf-b', '罚-link-2', unknown);
    expect([missing.status, missing.body.code]).toEqual([404, 'REFERRAL_NOT_FOUND']);
    expect(missing.body.message).toContain(unknown);
    // Another agency's referral is not one to link its penalty cases to.
    const foreign = await report('enf-a', '罚-link-3', ids.declined);
    expect([foreign.status, foreign.body.code]).toEqual([404, 'REFERRAL_NOT_FOUND']);
    const stored = await hub.db
      .selectFrom('penalty_cases')
      .select(['decision_no', 'referral_id'])
      .where('decision_no', 'like', '罚-link-%')
      .execute();
    expect(stored).toEqual([{ decision_no: '罚-link-1', referral_id: ids.declined }]);
  });

  it('produces the yearly report as JSON and CSV, naming the chain heads, and re-checks it from the ledger', async () => {
    const json = await hub.request('coord', 'POST', '/v1/reports/yearly', { year: 2026 });
    expect(json.status).toBe(201);
    expect(json.body.chainHeads).toMatchObject({
      referrals: 4,
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const check = await hub.request('coord', 'GET', `/v1/reports/${json.body.id}/verify`);
    expect(check.body).toMatchObject({ matches: true, figuresMatch: true, brokenChains: [] });
    const csv = await hub.app.inject({
      method: 'GET',
      url: '/v1/reports/yearly?year=2026&format=csv',
      headers: { authorization: `Bearer ${hub.keys.coord}` },
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe(
      'region,year,agency,name,role,kind,sent,received,receipted,filed,declined,reconsiderations,supervisionRequests,filingsOrdered,handled,late',
    );
    expect(lines.find((l) => l.includes(',enf-a,') && l.includes(',sender,criminal_transfer,'))).toContain(
      '测试市场监督管理局',
    );
    // Later events do not change a report computed from the heads it names.
    await act('enf-a', ids.filed, { action: 'hand_over_goods', items: [{ description: '白酒' }] });
    expect((await verifyYearlyReport(hub.db, json.body.id))?.matches).toBe(true);
    // A rewritten ledger event does.
    await sql`ALTER TABLE ledger_events DISABLE TRIGGER ledger_events_append_only`.execute(hub.db);
    await sql`UPDATE ledger_events SET payload = payload || '{"reasonCode":"other"}' WHERE referral_id = ${ids.declined} AND event = 'declined'`.execute(
      hub.db,
    );
    await sql`ALTER TABLE ledger_events ENABLE TRIGGER ledger_events_append_only`.execute(hub.db);
    const broken = await verifyYearlyReport(hub.db, json.body.id);
    expect(broken).toMatchObject({ matches: false, figuresMatch: false, brokenChains: [ids.declined] });
    const cli = await runHubCli(hub, 'report', 'verify', json.body.id);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain('does NOT match');
  });

  it('renders a printable briefing pack with the overdue cases each body should explain', async () => {
    const r = await hub.app.inject({
      method: 'GET',
      url: '/v1/briefing-pack',
      headers: { authorization: `Bearer ${hub.keys.coord}` },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('需在会上说明的逾期事项');
    expect(r.body).toContain('测试公安局');
    expect(r.body).toContain('接受移送并回执');
    expect(r.body).not.toContain('<script');
    // Issue 14: a Chinese-speaking meeting reads names; a code is only a small aside beside its name.
    expect(r.body).toContain('未达追诉标准 <small>(below_threshold)</small>');
    const visible = r.body.replace(/<small>[^<]*<\/small>/g, '').replace(/<[^>]+>/g, ' ');
    for (const code of [...Object.keys(DECLINE_REASON_LABELS), ...Object.keys(RULE_LABELS)])
      expect(visible, code).not.toMatch(new RegExp(`\\b${code}\\b`));
  });
});
