import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryRecord } from '../db/outbox.js';
import { actionCommand } from './helpers/commands.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { ledgerRows } from './helpers/ledger.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

async function submit(as = 'enf-a', overrides: Record<string, unknown> = {}) {
  const response = await hub.request(as, 'POST', '/v1/referrals', criminalTransfer(overrides));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; state: string };
}

describe('criminal transfer from HTTP through RabbitMQ to a receipt', () => {
  it('delivers a submitted transfer to the police queue and a copy to the procuratorate', async () => {
    const police = await hub.consumeInbox('pol-a');
    const procuratorate = await hub.consumeInbox('proc');
    const referral = await submit();
    const toPolice = await waitFor(
      () => police.received.find((r) => r.envelope.referralId === referral.id),
      'the police delivery',
    );
    const copy = await waitFor(
      () => procuratorate.received.find((r) => r.envelope.referralId === referral.id),
      'the procuratorate copy',
    );
    expect(toPolice.envelope).toMatchObject({
      type: 'referral.submitted',
      sender: 'enf-a',
      recipient: 'pol-a',
      payload: {
        role: 'recipient',
        state: 'submitted',
        data: { suspectedOffence: '销售假冒注册商标的商品罪' },
      },
    });
    expect(toPolice.message.properties.messageId).toBe(toPolice.envelope.messageId);
    expect(toPolice.message.properties.deliveryMode).toBe(2);
    expect(copy.envelope).toMatchObject({
      type: 'referral.submitted',
      recipient: 'proc',
      payload: { role: 'procuratorate' },
    });
    const delivery = await waitFor(async () => {
      const rows = await deliveryRecord(hub.db, { referralId: referral.id });
      return rows.every((r) => r.status === 'published' && r.publishedAt) ? rows : undefined;
    }, 'the delivery record');
    expect(delivery.map((r) => r.recipient).sort()).toEqual(['pol-a', 'proc']);
    await police.close();
    await procuratorate.close();
  });

  it('records a receipt sent over HTTP exactly once in the ledger and tells the referring agency', async () => {
    const sender = await hub.consumeInbox('enf-a');
    const referral = await submit();
    const first = await hub.request('pol-a', 'POST', `/v1/referrals/${referral.id}/actions`, {
      action: 'receipt',
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'receipted', seq: 2 });
    const again = await hub.request('pol-a', 'POST', `/v1/referrals/${referral.id}/actions`, {
      action: 'receipt',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TRANSITION_NOT_ALLOWED');
    const ledger = await ledgerRows(hub, referral.id);
    expect(ledger.map((e) => e.event)).toEqual(['submitted', 'receipted']);
    expect(ledger[1]?.prev_hash).toBe(ledger[0]?.hash);
    const told = await waitFor(
      () =>
        sender.received.find(
          (r) => r.envelope.referralId === referral.id && r.envelope.type === 'referral.receipted',
        ),
      'the receipt notice to the referring agency',
    );
    expect(told.envelope.payload).toMatchObject({ role: 'sender', actor: 'pol-a', seq: 2 });
    await sender.close();
  });

  it('applies a receipt sent twice over AMQP once', async () => {
    const referral = await submit();
    const command = actionCommand(
      'pol-a',
      referral.id,
      { action: 'receipt', note: '已签收' },
      { correlationId: referral.id },
    );
    await hub.sendCommand('pol-a', command);
    await hub.sendCommand('pol-a', command);
    await waitFor(async () => {
      const row = await hub.db
        .selectFrom('processed_messages')
        .select('message_id')
        .where('message_id', '=', command.messageId)
        .executeTakeFirst();
      const duplicates = (await hub.metrics.messagesConsumed.get()).values.find(
        (v) => v.labels.outcome === 'duplicate',
      );
      return row && (duplicates?.value ?? 0) >= 1;
    }, 'both deliveries to be consumed');
    const ledger = await ledgerRows(hub, referral.id);
    expect(ledger.map((e) => e.event)).toEqual(['submitted', 'receipted']);
    expect(ledger[1]?.message_id).toBe(command.messageId);
    expect(ledger[1]?.payload).toMatchObject({ note: '已签收', duties: { fulfils: ['receipt_due'] } });
    const view = await hub.request('enf-a', 'GET', `/v1/referrals/${referral.id}`);
    expect(view.body.state).toBe('receipted');
  });

  it('gives one referral for the same Idempotency-Key twice, and refuses the key for another body', async () => {
    const key = randomUUID();
    const body = criminalTransfer();
    const first = await hub.request('enf-a', 'POST', '/v1/referrals', body, { 'idempotency-key': key });
    const second = await hub.request('enf-a', 'POST', '/v1/referrals', body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const count = await hub.db
      .selectFrom('idempotency_keys')
      .innerJoin('referrals', (j) =>
        j.on(sql`referrals.id::text`, '=', sql`idempotency_keys.response->>'id'`),
      )
      .select(sql<number>`count(*)::int`.as('n'))
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
    const other = await hub.request(
      'enf-a',
      'POST',
      '/v1/referrals',
      criminalTransfer({ suspectedOffence: '非法经营罪' }),
      {
        'idempotency-key': key,
      },
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('replays an idempotent receipt instead of refusing it as a second receipt', async () => {
    const referral = await submit();
    const key = randomUUID();
    const url = `/v1/referrals/${referral.id}/actions`;
    const first = await hub.request('pol-a', 'POST', url, { action: 'receipt' }, { 'idempotency-key': key });
    const second = await hub.request('pol-a', 'POST', url, { action: 'receipt' }, { 'idempotency-key': key });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    expect(await ledgerRows(hub, referral.id)).toHaveLength(2);
  });
});

describe('the ledger', () => {
  it('is refused UPDATE, DELETE and TRUNCATE by the database', async () => {
    const referral = await submit();
    await expect(
      sql`UPDATE ledger_events SET event = 'filed' WHERE referral_id = ${referral.id}`.execute(hub.db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`DELETE FROM ledger_events WHERE referral_id = ${referral.id}`.execute(hub.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE ledger_events CASCADE`.execute(hub.db)).rejects.toThrow(/append-only/);
    expect(await ledgerRows(hub, referral.id)).toHaveLength(1);
  });

  it('verifies an intact chain and detects a rewritten event', async () => {
    const referral = await submit();
    await hub.request('pol-a', 'POST', `/v1/referrals/${referral.id}/actions`, { action: 'receipt' });
    const intact = await hub.request('enf-a', 'GET', `/v1/referrals/${referral.id}/verify`);
    expect(intact.body).toMatchObject({ valid: true, events: 2, breaks: [] });
    // Someone with superuser rights switches the guard off and rewrites history.
    await sql`ALTER TABLE ledger_events DISABLE TRIGGER ledger_events_append_only`.execute(hub.db);
    await sql`UPDATE ledger_events SET payload = '{"note":"forged"}' WHERE referral_id = ${referral.id} AND seq = 2`.execute(
      hub.db,
    );
    await sql`ALTER TABLE ledger_events ENABLE TRIGGER ledger_events_append_only`.execute(hub.db);
    const broken = await hub.request('enf-a', 'GET', `/v1/referrals/${referral.id}/verify`);
    expect(broken.body.valid).toBe(false);
    expect(broken.body.breaks).toContainEqual({ seq: 2, reason: 'hash_mismatch' });
  });
});

describe('who may see and act', () => {
  it('answers 404 to an agency that is not a party, for reads and actions', async () => {
    const referral = await submit();
    for (const outsider of ['enf-b', 'pol-b', 'sup']) {
      const read = await hub.request(outsider, 'GET', `/v1/referrals/${referral.id}`);
      expect(read.status).toBe(404);
      expect(read.body.code).toBe('REFERRAL_NOT_FOUND');
    }
    const act = await hub.request('pol-b', 'POST', `/v1/referrals/${referral.id}/actions`, {
      action: 'receipt',
    });
    expect(act.status).toBe(404);
    const own = await hub.request('proc', 'GET', `/v1/referrals/${referral.id}`);
    expect(own.status).toBe(200);
    expect(own.body.parties).toEqual({
      sender: 'enf-a',
      recipient: 'pol-a',
      procuratorate: 'proc',
      copies: [],
    });
    expect(own.body.ledger[0]).toMatchObject({ seq: 1, event: 'submitted', actor: 'enf-a' });
  });

  it('refuses a receipt by the referring agency with ACTOR_NOT_PERMITTED', async () => {
    const referral = await submit();
    const response = await hub.request('enf-a', 'POST', `/v1/referrals/${referral.id}/actions`, {
      action: 'receipt',
    });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('ACTOR_NOT_PERMITTED');
  });

  it('refuses a request without a valid key with 401', async () => {
    expect((await hub.request(null, 'GET', '/v1/inbox')).status).toBe(401);
    const wrong = await hub.app.inject({
      method: 'GET',
      url: '/v1/inbox',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('UNAUTHENTICATED');
    // Who you are is checked before what you sent.
    const anonymousBadBody = await hub.request(null, 'POST', '/v1/referrals', { nonsense: true });
    expect(anonymousBadBody.status).toBe(401);
  });
});

describe('bad input', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['an unknown field', { surprise: true }],
    ['a case team of one', { caseTeam: [{ name: '王执法', certificateNo: 'ZF-0001' }] }],
    [
      'a digest that is not SHA-256',
      { documents: [{ type: 'transfer_letter', title: 'x', sha256: 'abc', paper: true }] },
    ],
    [
      'a package without the investigation report',
      {
        documents: [
          { type: 'transfer_letter', title: '移送书', sha256: 'a'.repeat(64), paper: true },
          { type: 'item_inventory', title: '清单', sha256: 'b'.repeat(64), paper: true },
        ],
      },
    ],
    ['an approval time that is not a date', { approvedAt: 'yesterday' }],
    ['an unknown kind', { kind: 'parking_ticket' }],
  ];
  it.each(cases)('answers 400 VALIDATION_FAILED to %s, and writes nothing', async (_name, overrides) => {
    const before = await hub.db
      .selectFrom('referrals')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const response = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer(overrides));
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(typeof response.body.message).toBe('string');
    const after = await hub.db
      .selectFrom('referrals')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('answers 400 to malformed JSON and 415 to a body that is not JSON', async () => {
    const malformed = await hub.app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: { authorization: `Bearer ${hub.keys['enf-a']}`, 'content-type': 'application/json' },
      payload: '{"kind":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('VALIDATION_FAILED');
    const text = await hub.app.inject({
      method: 'POST',
      url: '/v1/referrals',
      headers: { authorization: `Bearer ${hub.keys['enf-a']}`, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 422 to a transfer addressed to a body that is not the police', async () => {
    const response = await hub.request(
      'enf-a',
      'POST',
      '/v1/referrals',
      criminalTransfer({ recipient: 'proc' }),
    );
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('RECIPIENT_INVALID');
  });

  it('answers 400 to an action on an id that is not a uuid, and 404 to an unknown route', async () => {
    const bad = await hub.request('pol-a', 'POST', '/v1/referrals/42/actions', { action: 'receipt' });
    expect(bad.status).toBe(400);
    const none = await hub.request('pol-a', 'GET', '/v1/nothing-here');
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('flags a transfer sent more than 24 hours after its approval as late', async () => {
    const late = await submit('enf-a', { approvedAt: new Date(Date.now() - 30 * 3600_000).toISOString() });
    const view = await hub.request('enf-a', 'GET', `/v1/referrals/${late.id}`);
    expect(view.body.late).toBe(true);
    const onTime = await submit();
    expect((await hub.request('enf-a', 'GET', `/v1/referrals/${onTime.id}`)).body.late).toBe(false);
  });

  it('shows the submission as sent, read from the first ledger event without the keys the hub adds', async () => {
    const body = criminalTransfer({ approvedAt: new Date(Date.now() - 30 * 3600_000).toISOString() });
    const response = await hub.request('enf-a', 'POST', '/v1/referrals', body);
    const id = response.body.id as string;
    const view = await hub.request('pol-a', 'GET', `/v1/referrals/${id}`);
    // The first event carries the late flag and the duties it opened; the submission does not.
    expect(view.body.ledger[0].payload).toMatchObject({ late: true, duties: expect.any(Object) });
    expect(view.body.submission).toEqual(JSON.parse(JSON.stringify(body)));
    const list = await hub.request('pol-a', 'GET', '/v1/referrals?limit=100');
    const listed = list.body.referrals.find((r: { id: string }) => r.id === id);
    expect(listed.title).toBe((body.caseSummary as { title: string }).title);
  });
});
