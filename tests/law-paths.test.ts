import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countProcessed } from '../db/dedup.js';
import { setRegionSettings } from '../db/region-settings.js';
import { DEADLINES_BY_HAND, HOUR, handClock } from './helpers/clock.js';
import { actionCommand } from './helpers/commands.js';
import { criminalTransfer, REGION } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

const time = handClock('2026-06-01T02:00:00Z'); // Monday 10:00 in Beijing

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub({ clock: time.clock, env: DEADLINES_BY_HAND });
});
afterAll(async () => {
  await hub?.close();
});

async function submit(as = 'enf-a', body: Record<string, unknown> = criminalTransfer({}, time.now)) {
  const r = await hub.request(as, 'POST', '/v1/referrals', body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}
async function act(as: string, id: string, body: Record<string, unknown>, status = 200) {
  const r = await hub.request(as, 'POST', `/v1/referrals/${id}/actions`, body);
  expect(r.status, `${as} ${body.action}: ${JSON.stringify(r.body)}`).toBe(status);
  return r.body;
}
async function view(id: string, as = 'coord') {
  return (await hub.request(as, 'GET', `/v1/referrals/${id}`)).body;
}
const duty = async (id: string, rule: string) =>
  (await view(id)).duties.filter((d: { rule: string }) => d.rule === rule).at(-1);

describe('supplement, forward and the answer outside the remit (MPS Art 175, 180)', () => {
  it('lets the police file or decline while a supplement is pending, the review running on', async () => {
    const id = await submit();
    await act('pol-a', id, { action: 'receipt' });
    const review = await duty(id, 'filing_decision_due');
    await act('pol-a', id, { action: 'request_supplement', items: ['鉴定意见'] });
    expect(await duty(id, 'filing_decision_due')).toMatchObject({ status: 'open', dueAt: review.dueAt });
    await act('pol-a', id, { action: 'file' });
    expect(await duty(id, 'filing_decision_due')).toMatchObject({ status: 'met' });
    expect(await duty(id, 'supplement_due')).toMatchObject({ status: 'met' });
    const other = await submit();
    await act('pol-a', other, { action: 'receipt' });
    await act('pol-a', other, { action: 'request_supplement', items: ['照片'] });
    await act('pol-a', other, { action: 'decline', reasonCode: 'no_crime_facts', reasons: '无犯罪事实' });
    expect((await view(other)).state).toBe('declined');
  });

  it('starts the review again on a supplement only where the region asks for it', async () => {
    const id = await submit();
    await act('pol-a', id, { action: 'receipt' });
    await act('pol-a', id, { action: 'request_supplement', items: ['照片'] });
    time.advance(HOUR);
    await act('enf-a', id, {
      action: 'supplement',
      documents: [{ type: 'other', title: '照片', sha256: 'b'.repeat(64), paper: true }],
    });
    expect(
      (await view(id)).duties.filter((d: { rule: string }) => d.rule === 'filing_decision_due'),
    ).toHaveLength(1);
    await setRegionSettings(hub.db, REGION, { restartReviewOnSupplement: true });
    hub.policy.invalidate();
    const again = await submit();
    await act('pol-a', again, { action: 'receipt' });
    await act('pol-a', again, { action: 'request_supplement', items: ['照片'] });
    time.advance(HOUR);
    await act('enf-a', again, {
      action: 'supplement',
      documents: [{ type: 'other', title: '照片', sha256: 'b'.repeat(64), paper: true }],
    });
    const reviews = (await view(again)).duties.filter(
      (d: { rule: string }) => d.rule === 'filing_decision_due',
    );
    expect(reviews.map((d: { status: string }) => d.status).sort()).toEqual(['open', 'superseded']);
    await setRegionSettings(hub.db, REGION, { restartReviewOnSupplement: false });
    hub.policy.invalidate();
  });

  it('forwards to a competent organ that is not police, which receipts it; or answers outside the remit', async () => {
    const id = await submit();
    await act('pol-a', id, { action: 'receipt' });
    await act('pol-a', id, { action: 'forward', to: 'sup', reason: '涉嫌职务犯罪' });
    expect(await duty(id, 'receipt_due')).toMatchObject({ status: 'open', responsible: 'sup' });
    await act('sup', id, { action: 'receipt' });
    expect((await view(id)).parties.recipient).toBe('sup');
    const other = await submit();
    await act('pol-a', other, { action: 'receipt' });
    await act('pol-a', other, {
      action: 'answer_outside_remit',
      reasons: '属于市场监管职责',
      competentOrgan: '某局',
    });
    expect((await view(other)).state).toBe('outside_remit');
    await act('enf-a', other, { action: 'report_handling', outcome: 'penalty', amountYuan: 1000 });
  });

  it('counts the review from the acceptance the receipt states, never before the delivery', async () => {
    const id = await submit();
    const delivered = time.now.toISOString();
    time.advance(30 * HOUR);
    await act(
      'pol-a',
      id,
      { action: 'receipt', receivedAt: new Date(Date.parse(delivered) - HOUR).toISOString() },
      400,
    );
    await act(
      'pol-a',
      id,
      { action: 'receipt', receivedAt: new Date(time.now.getTime() + 2 * HOUR).toISOString() },
      400,
    );
    await act('pol-a', id, {
      action: 'receipt',
      receivedAt: new Date(Date.parse(delivered) + HOUR).toISOString(),
    });
    // Accepted on Monday 11:00: three days to the end of Thursday, not from the receipt on Tuesday.
    expect(await duty(id, 'filing_decision_due')).toMatchObject({
      startedAt: new Date(Date.parse(delivered) + HOUR).toISOString(),
      dueAt: '2026-06-04T16:00:00.000Z',
    });
  });

  it('extends an economic-crime review with approval, moving its due time; not any other review', async () => {
    const id = await submit('enf-a', criminalTransfer({ economicCrime: true }, time.now));
    await act('pol-a', id, { action: 'receipt' });
    await act('pol-a', id, { action: 'extend_review', days: 10, approvedBy: '县公安局负责人' });
    expect(await duty(id, 'filing_decision_due')).toMatchObject({ status: 'open', period: { amount: 10 } });
    await act('pol-a', id, { action: 'extend_review', days: 10, approvedBy: '同上' }, 400);
    await act('pol-a', id, { action: 'extend_review', days: 30, approvedBy: '县级以上公安机关负责人' });
    expect((await duty(id, 'filing_decision_due')).period.amount).toBe(30);
    const plain = await submit();
    await act('pol-a', plain, { action: 'receipt' });
    await act('pol-a', plain, { action: 'extend_review', days: 10, approvedBy: '负责人' }, 409);
  });
});

describe('every supervision path (Decree 310 Art 9, 17; SPP Rules Art 557-563; MPS Art 178, 182)', () => {
  it('lets the agency ask for supervision once the police overran their period, not before', async () => {
    const id = await submit();
    const early = await act('enf-a', id, { action: 'request_supervision', reasons: '未回执' }, 409);
    expect(early.message).toContain('receipt_due');
    time.advance(25 * HOUR);
    await hub.workers.deadlines.tick();
    await act('enf-a', id, { action: 'request_supervision', reasons: '超期未回执' });
    expect(await duty(id, 'supervision_review_due')).toMatchObject({ status: 'open', responsible: 'proc' });
    await act('proc', id, { action: 'demand_reasons' });
    expect(await duty(id, 'reasons_due')).toMatchObject({ status: 'open', period: { amount: 7 } });
    await act('pol-a', id, { action: 'file' });
    expect((await view(id)).state).toBe('filed');
  });

  it('lets the procuratorate supervise on its own initiative and close a request without demanding reasons', async () => {
    const id = await submit();
    await act('pol-a', id, { action: 'receipt' });
    await act('pol-a', id, { action: 'decline', reasonCode: 'below_threshold', reasons: '未达标准' });
    await act('proc', id, { action: 'open_supervision', reasons: '依职权监督' });
    expect((await view(id)).ledger.at(-1).event).toBe('supervision_opened');
    await act('proc', id, { action: 'close_supervision', reasons: '不立案理由成立' });
    expect((await view(id)).state).toBe('supervision_closed');
  });

  it('lets the police correct a decline on new facts, and file while reasons are demanded', async () => {
    const id = await submit();
    await act('pol-a', id, { action: 'receipt' });
    await act('pol-a', id, { action: 'decline', reasonCode: 'insufficient_evidence', reasons: '证据不足' });
    await act('pol-a', id, { action: 'file', note: '新证据' });
    const other = await submit();
    await act('pol-a', other, { action: 'receipt' });
    await act('pol-a', other, {
      action: 'decline',
      reasonCode: 'insufficient_evidence',
      reasons: '证据不足',
    });
    await act('enf-a', other, { action: 'request_supervision', reasons: '请求监督' });
    await act('proc', other, { action: 'demand_reasons' });
    await act('pol-a', other, { action: 'file' });
    expect(await duty(other, 'reasons_due')).toMatchObject({ status: 'met' });
  });
});

describe('after filing: withdrawal, transfer elsewhere, and a case returned for handling (MPS Art 184-189)', () => {
  it('records the 3-day report as met or late by the decision date, and returns the case to the agency', async () => {
    const id = await submit();
    await act('pol-a', id, { action: 'receipt' });
    await act('pol-a', id, { action: 'file' });
    await act('pol-a', id, {
      action: 'withdraw_case',
      decidedAt: new Date(time.now.getTime() - 5 * 24 * HOUR).toISOString(),
      reasons: '不应追究刑事责任',
    });
    expect(await duty(id, 'report_withdrawal_due')).toMatchObject({ status: 'met_late' });
    expect(await duty(id, 'goods_handover_due')).toMatchObject({ status: 'met' });
    await act('pol-a', id, { action: 'return_for_handling', reasons: '需要行政处罚' });
    expect(await duty(id, 'handling_report_due')).toMatchObject({ status: 'open', responsible: 'enf-a' });
    await act('enf-a', id, { action: 'report_handling', outcome: 'penalty', amountYuan: 5000 });
    const moved = await submit();
    await act('pol-a', moved, { action: 'receipt' });
    await act('pol-a', moved, { action: 'file' });
    await act('pol-a', moved, {
      action: 'transfer_case',
      decidedAt: time.now.toISOString(),
      to: '某市公安局',
      reasons: '管辖',
    });
    expect(await duty(moved, 'report_transfer_due')).toMatchObject({ status: 'met' });
  });
});

describe('opinions and returns and their report-back periods', () => {
  it('carries a transfer opinion from the procuratorate to the agency and its answer, 2 months from delivery', async () => {
    const id = await submit('proc', {
      kind: 'transfer_opinion',
      recipient: 'enf-a',
      caseSummary: { title: '应当移送而未移送', facts: '货值达到追诉标准。' },
      opinion: '建议依法移送公安机关。',
      penaltyDecisionNo: '罚字9号',
    });
    expect(await duty(id, 'opinion_reply_due')).toMatchObject({
      status: 'open',
      period: { amount: 2, unit: 'month' },
    });
    await act('enf-a', id, { action: 'receipt' });
    const transfer = await submit();
    await act('enf-a', id, {
      action: 'answer_opinion',
      outcome: 'transferred',
      transferReferralId: transfer,
    });
    expect(await duty(id, 'opinion_reply_due')).toMatchObject({ status: 'met' });
    await act('proc', id, { action: 'close' });
  });

  it('gives a police return the hub default report-back, and a non-prosecution opinion the 2 months', async () => {
    const body = (basis: string) => ({
      kind: 'reverse_transfer',
      recipient: 'enf-a',
      caseSummary: { title: '退回', facts: '不构成犯罪。' },
      basis,
    });
    const fromPolice = await submit('pol-a', body('no_crime_administrative_liability'));
    const rules = (await view(fromPolice)).duties.map((d: { rule: string }) => d.rule);
    expect(rules).toContain('reverse_report_due');
    expect(rules).not.toContain('reverse_reply_due');
    const fromProcuratorate = await submit('proc', body('non_prosecution'));
    const theirs = (await view(fromProcuratorate)).duties.map((d: { rule: string }) => d.rule);
    expect(theirs).toContain('reverse_reply_due');
    expect(theirs).not.toContain('reverse_report_due');
  });

  it('takes a new step over AMQP through the same decision', async () => {
    const id = await submit();
    await act('pol-a', id, { action: 'receipt' });
    await act('pol-a', id, { action: 'decline', reasonCode: 'other', reasons: '其他' });
    const messageId = randomUUID();
    await hub.sendCommand(
      'proc',
      actionCommand(
        'proc',
        id,
        { action: 'open_supervision', reasons: '依职权监督' },
        { messageId, correlationId: id, occurredAt: time.now },
      ),
    );
    await waitFor(async () => (await countProcessed(hub.db, [messageId])) === 1, 'the command applied');
    expect((await view(id)).state).toBe('supervision_requested');
  });
});
