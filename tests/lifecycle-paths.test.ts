import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryRecord } from '../db/outbox.js';
import { actionCommand } from './helpers/commands.js';
import { criminalTransfer, dutyClue, reverseTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

type Step = [agency: string, body: Record<string, unknown>, state: string];

async function submit(as: string, body: Record<string, unknown>) {
  const response = await hub.request(as, 'POST', '/v1/referrals', body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

async function walk(id: string, steps: Step[]) {
  for (const [agency, body, state] of steps) {
    const response = await hub.request(agency, 'POST', `/v1/referrals/${id}/actions`, body);
    expect(response.status, `${agency} ${body.action}: ${JSON.stringify(response.body)}`).toBe(200);
    expect(response.body.state).toBe(state);
  }
}

async function events(id: string) {
  const rows = await hub.db
    .selectFrom('ledger_events')
    .select('event')
    .where('referral_id', '=', id)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.event);
}

async function noticesOf(id: string) {
  const rows = await deliveryRecord(hub.db, { referralId: id });
  return rows.map((r) => `${r.type}>${r.recipient}`);
}

describe('criminal transfer paths', () => {
  it('carries a transfer to filed and goods handed over, with progress, telling every party', async () => {
    const id = await submit('enf-a', criminalTransfer());
    await walk(id, [
      ['pol-a', { action: 'receipt' }, 'receipted'],
      ['pol-a', { action: 'request_supplement', items: ['现场照片'] }, 'supplement_requested'],
      [
        'enf-a',
        {
          action: 'supplement',
          documents: [{ type: 'other', title: '现场照片', sha256: 'c'.repeat(64), paper: true }],
        },
        'receipted',
      ],
      ['pol-a', { action: 'file', caseNo: '立字〔2026〕1号' }, 'filed'],
      [
        'enf-a',
        { action: 'hand_over_goods', items: [{ description: '白酒', quantity: '120 箱' }] },
        'goods_handed_over',
      ],
      ['pol-a', { action: 'report_progress', stage: 'prosecuted' }, 'goods_handed_over'],
      ['pol-a', { action: 'close' }, 'closed'],
    ]);
    expect(await events(id)).toEqual([
      'submitted',
      'receipted',
      'supplement_requested',
      'supplemented',
      'filed',
      'goods_handed_over',
      'progress',
      'closed',
    ]);
    const notices = await noticesOf(id);
    expect(notices).toEqual(
      expect.arrayContaining([
        'referral.submitted>pol-a',
        'referral.submitted>proc',
        'referral.filed>enf-a',
        'referral.filed>proc',
        'referral.goods_handed_over>pol-a',
        'referral.progress>enf-a',
      ]),
    );
    const verify = await hub.request('proc', 'GET', `/v1/referrals/${id}/verify`);
    expect(verify.body).toMatchObject({ valid: true, events: 8 });
  });

  it('goes from decline through reconsideration, supervision and a filing order to filed', async () => {
    const id = await submit('enf-a', criminalTransfer());
    await walk(id, [
      ['pol-a', { action: 'receipt' }, 'receipted'],
      [
        'pol-a',
        { action: 'decline', reasonCode: 'below_threshold', reasons: '货值未达追诉标准' },
        'declined',
      ],
      ['enf-a', { action: 'request_reconsideration', reasons: '货值计算有误' }, 'reconsideration_requested'],
      ['pol-a', { action: 'uphold_decline', reasons: '维持不予立案' }, 'decline_upheld'],
      ['enf-a', { action: 'request_supervision', reasons: '请求立案监督' }, 'supervision_requested'],
      ['proc', { action: 'demand_reasons' }, 'reasons_demanded'],
      ['pol-a', { action: 'give_reasons', reasons: '证据不足' }, 'reasons_given'],
      ['proc', { action: 'order_filing', reasons: '理由不成立' }, 'filing_ordered'],
      ['pol-a', { action: 'file' }, 'filed'],
    ]);
    const notices = await noticesOf(id);
    expect(notices).toContain('referral.declined>proc');
    const view = await hub.request('enf-a', 'GET', `/v1/referrals/${id}`);
    const declined = view.body.ledger.find((e: { event: string }) => e.event === 'declined');
    expect(declined.payload).toMatchObject({ reasonCode: 'below_threshold', documentsReturned: true });
    // Filed in the end (ordered by the procuratorate): the files are no longer out.
    expect(view.body.documentsReturned).toBe(false);
    expect(notices).toContain('referral.filing_ordered>pol-a');
    expect(notices).toContain('referral.reasons_demanded>pol-a');
  });

  it('ends a finally declined transfer with administrative handling', async () => {
    const id = await submit('enf-a', criminalTransfer());
    await walk(id, [
      ['pol-a', { action: 'receipt' }, 'receipted'],
      ['pol-a', { action: 'decline', reasonCode: 'no_crime_facts', reasons: '无犯罪事实' }, 'declined'],
      [
        'enf-a',
        { action: 'report_handling', outcome: 'penalty', decisionNo: '罚字〔2026〕9号', amountYuan: 50000 },
        'administratively_handled',
      ],
      ['enf-a', { action: 'close' }, 'closed'],
    ]);
    expect((await hub.request('enf-a', 'GET', `/v1/referrals/${id}`)).body.documentsReturned).toBe(true);
  });

  it('forwards a transfer to another police agency, which then receipts it', async () => {
    const sender = await hub.consumeInbox('enf-a');
    const newPolice = await hub.consumeInbox('pol-b');
    const id = await submit('enf-a', criminalTransfer());
    await walk(id, [
      ['pol-a', { action: 'receipt' }, 'receipted'],
      ['pol-a', { action: 'forward', to: 'pol-b', reason: '属经侦管辖' }, 'forwarded'],
    ]);
    await waitFor(
      () =>
        newPolice.received.find(
          (r) => r.envelope.referralId === id && r.envelope.type === 'referral.forwarded',
        ),
      'the new recipient told',
    );
    await waitFor(
      () =>
        sender.received.find((r) => r.envelope.referralId === id && r.envelope.type === 'referral.forwarded'),
      'the agency told',
    );
    const old = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action: 'file' });
    expect(old.status).toBe(403);
    await walk(id, [['pol-b', { action: 'receipt' }, 'receipted']]);
    const view = await hub.request('pol-a', 'GET', `/v1/referrals/${id}`);
    expect(view.status).toBe(200);
    expect(view.body.parties.recipient).toBe('pol-b');
    await sender.close();
    await newPolice.close();
  });

  it('takes an action sent over AMQP through the same path, with the same refusal', async () => {
    const id = await submit('enf-a', criminalTransfer());
    await walk(id, [['pol-a', { action: 'receipt' }, 'receipted']]);
    const command = (payload: unknown) => actionCommand('pol-a', id, payload, { correlationId: id });
    const wrong = command({ action: 'hand_over_goods', items: [{ description: 'x' }] });
    await hub.sendCommand('pol-a', wrong);
    const decline = command({ action: 'decline', reasonCode: 'other', reasons: '其他' });
    await hub.sendCommand('pol-a', decline);
    await waitFor(async () => (await events(id)).includes('declined'), 'the decline over AMQP');
    const rejected = await waitFor(
      () =>
        hub.db
          .selectFrom('processed_messages')
          .selectAll()
          .where('message_id', '=', wrong.messageId)
          .executeTakeFirst(),
      'the refusal',
    );
    expect(rejected.outcome).toBe('rejected');
  });
});

describe('refusals', () => {
  it('answers 409 to an action out of order and 403 to the wrong actor', async () => {
    const id = await submit('enf-a', criminalTransfer());
    const early = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action: 'file' });
    expect([early.status, early.body.code]).toEqual([409, 'TRANSITION_NOT_ALLOWED']);
    const byProcuratorate = await hub.request('proc', 'POST', `/v1/referrals/${id}/actions`, {
      action: 'receipt',
    });
    expect([byProcuratorate.status, byProcuratorate.body.code]).toEqual([403, 'ACTOR_NOT_PERMITTED']);
    const withdraw = await hub.request('enf-a', 'POST', `/v1/referrals/${id}/actions`, {
      action: 'withdraw',
      reason: '误送',
    });
    expect(withdraw.body.state).toBe('withdrawn');
    const late = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, { action: 'receipt' });
    expect(late.status).toBe(409);
  });

  it('refuses a criminal transfer from the police and a forward to a body that may not take it', async () => {
    const fromPolice = await hub.request(
      'pol-a',
      'POST',
      '/v1/referrals',
      criminalTransfer({ recipient: 'pol-b' }),
    );
    expect([fromPolice.status, fromPolice.body.code]).toEqual([403, 'ACTOR_NOT_PERMITTED']);
    const id = await submit('enf-a', criminalTransfer());
    await walk(id, [['pol-a', { action: 'receipt' }, 'receipted']]);
    const toAgency = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, {
      action: 'forward',
      to: 'enf-b',
      reason: 'x',
    });
    expect([toAgency.status, toAgency.body.code]).toEqual([422, 'RECIPIENT_INVALID']);
  });
});

describe('reverse transfers and duty clues', () => {
  it('carries a reverse transfer from the police to closed', async () => {
    const id = await submit('pol-a', reverseTransfer);
    await walk(id, [
      ['enf-a', { action: 'receipt' }, 'receipted'],
      [
        'enf-a',
        { action: 'report_handling', outcome: 'penalty', decisionNo: '罚字〔2026〕3号', amountYuan: 20000 },
        'handled',
      ],
      ['pol-a', { action: 'close' }, 'closed'],
    ]);
    expect(await noticesOf(id)).toEqual(
      expect.arrayContaining(['referral.submitted>enf-a', 'referral.handled>pol-a']),
    );
  });

  it('carries a duty clue to the supervision commission to accepted and closed', async () => {
    const id = await submit('enf-a', dutyClue);
    await walk(id, [
      ['sup', { action: 'receipt' }, 'receipted'],
      ['sup', { action: 'accept' }, 'accepted'],
      ['sup', { action: 'close' }, 'closed'],
    ]);
    const other = await hub.request('enf-a', 'POST', '/v1/referrals', { ...dutyClue, recipient: 'pol-a' });
    expect([other.status, other.body.code]).toEqual([422, 'RECIPIENT_INVALID']);
  });
});

describe('who sees what', () => {
  it('lists for each caller only what it may see, with filters and a cursor', async () => {
    const fromEast = await submit('enf-a-east', criminalTransfer());
    const fromB = await submit('enf-b', criminalTransfer());
    const clue = await submit('enf-b', dutyClue);
    const ids = async (as: string, query = '') =>
      (
        (await hub.request(as, 'GET', `/v1/referrals?limit=200${query}`)).body.referrals as { id: string }[]
      ).map((r) => r.id);
    // A parent agency sees its subordinate unit's transfers; an unrelated agency does not.
    expect(await ids('enf-a')).toContain(fromEast);
    expect(await ids('enf-a')).not.toContain(fromB);
    // The procuratorate sees the region's criminal transfers but not a duty clue it is not party to.
    expect(await ids('proc')).toEqual(expect.arrayContaining([fromEast, fromB]));
    expect(await ids('proc')).not.toContain(clue);
    // Coordinators see the whole region.
    expect(await ids('coord')).toEqual(expect.arrayContaining([fromEast, fromB, clue]));
    expect(await ids('coord', '&kind=duty_clue')).toEqual(expect.arrayContaining([clue]));
    expect(await ids('coord', '&kind=duty_clue')).not.toContain(fromB);
    expect(await ids('enf-b', '&role=sent&state=submitted')).toEqual(expect.arrayContaining([fromB, clue]));
    const hidden = await hub.request('enf-b', 'GET', `/v1/referrals/${fromEast}`);
    expect(hidden.status).toBe(404);
    const first = await hub.request('coord', 'GET', '/v1/referrals?limit=2');
    const second = await hub.request('coord', 'GET', `/v1/referrals?limit=2&cursor=${first.body.next}`);
    const paged = [...first.body.referrals, ...second.body.referrals].map((r: { id: string }) => r.id);
    expect(new Set(paged).size).toBe(4);
    const bad = await hub.request('coord', 'GET', '/v1/referrals?cursor=garbage');
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('serves the agency directory, filtered by kind', async () => {
    const police = await hub.request('enf-a', 'GET', '/v1/agencies?kind=police');
    expect(police.body.agencies.map((a: { code: string }) => a.code)).toEqual(['pol-a', 'pol-b']);
  });
});
