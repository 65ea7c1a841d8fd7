import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedYears } from '../db/calendar-years.js';
import { deliveryRecord } from '../db/outbox.js';
import { loadCalendarYear } from '../db/region-settings.js';
import { Calendar, provisionalYearsAhead } from '../schemas/calendar.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
});
afterAll(async () => {
  await hub?.close();
});

describe('the HTTP inbox of an agency without AMQP', () => {
  it('lists the receipt notice, records its acknowledgment, and then no longer lists it', async () => {
    // enf-a-east receives over HTTP (delivery: http), so the relay leaves its messages for it to pull.
    const submitted = await hub.request('enf-a-east', 'POST', '/v1/referrals', criminalTransfer());
    expect(submitted.status).toBe(201);
    await hub.request('pol-a', 'POST', `/v1/referrals/${submitted.body.id}/actions`, { action: 'receipt' });
    const inbox = await hub.request('enf-a-east', 'GET', '/v1/inbox');
    expect(inbox.status).toBe(200);
    const notice = inbox.body.messages.find((m: any) => m.referralId === submitted.body.id);
    expect(notice).toMatchObject({
      type: 'referral.receipted',
      recipient: 'enf-a-east',
      delivery: { status: 'queued' },
    });
    // With the JSON content type many clients send on every request, and no body (before: 400 "the body is
    // empty"); a route that takes a body still says so.
    const ack = await hub.request('enf-a-east', 'POST', `/v1/inbox/${notice.messageId}/ack`, '', {
      'content-type': 'application/json',
    });
    expect([ack.status, ack.body]).toEqual([200, { messageId: notice.messageId, status: 'acknowledged' }]);
    const empty = await hub.request('enf-a-east', 'POST', '/v1/referrals', '', {
      'content-type': 'application/json',
    });
    expect([empty.status, empty.body.code, empty.body.message]).toEqual([
      400,
      'VALIDATION_FAILED',
      'the body is empty; send a JSON object',
    ]);
    const [row] = await deliveryRecord(hub.db, { messageId: notice.messageId });
    expect(row?.status).toBe('acknowledged');
    expect(row?.fetchedAt).toMatch(/^\d{4}-/);
    const after = await hub.request('enf-a-east', 'GET', '/v1/inbox');
    expect(after.body.messages.map((m: any) => m.messageId)).not.toContain(notice.messageId);
  });

  it('pages with a cursor in order', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await hub.request('enf-a-east', 'POST', '/v1/referrals', criminalTransfer());
      await hub.request('pol-a', 'POST', `/v1/referrals/${r.body.id}/actions`, { action: 'receipt' });
    }
    const first = await hub.request('enf-a-east', 'GET', '/v1/inbox?limit=2');
    expect(first.body.messages).toHaveLength(2);
    expect(first.body.next).toMatch(/^\d+$/);
    const second = await hub.request('enf-a-east', 'GET', `/v1/inbox?limit=2&after=${first.body.next}`);
    const ids = [...first.body.messages, ...second.body.messages].map((m: any) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers 404 to an acknowledgment of another agency message', async () => {
    const submitted = await hub.request('enf-a-east', 'POST', '/v1/referrals', criminalTransfer());
    const record = await deliveryRecord(hub.db, { referralId: submitted.body.id });
    const row = record.find((d) => d.recipient === 'pol-a')!;
    const response = await hub.request('enf-a-east', 'POST', `/v1/inbox/${row.messageId}/ack`);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('MESSAGE_NOT_FOUND');
  });
});

describe('operations endpoints', () => {
  it('reports ready when the database and the broker answer, naming the years ahead without a notice', async () => {
    const ready = await hub.request(null, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    // In 2026: 2027 and 2028 are synthesised from the law until their notices are shipped or loaded.
    const provisionalYears = provisionalYearsAhead(new Calendar(shippedYears()), new Date());
    expect(provisionalYears.length).toBeGreaterThan(0);
    expect(ready.body).toEqual({
      status: 'ready',
      database: true,
      broker: true,
      calendar: { provisionalYears },
    });
  });

  it('counts a year loaded with the State Council notice as official in /readyz and /metrics', async () => {
    const before = await hub.request(null, 'GET', '/readyz');
    const [year] = before.body.calendar.provisionalYears as number[];
    const metric = async () =>
      Number(
        (await hub.request(null, 'GET', '/metrics')).body.match(
          /^hub_calendar_provisional_years (\d+)$/m,
        )?.[1],
      );
    expect(await metric()).toBe(before.body.calendar.provisionalYears.length);
    await loadCalendarYear(hub.db, {
      year: year as number,
      source: 'a notice',
      provisional: false,
      holidays: [],
      workdays: [],
    });
    hub.policy.invalidate();
    const after = await hub.request(null, 'GET', '/readyz');
    expect(after.body.calendar.provisionalYears).not.toContain(year);
    expect(after.body.calendar.provisionalYears).toHaveLength(
      before.body.calendar.provisionalYears.length - 1,
    );
    expect(await metric()).toBe(after.body.calendar.provisionalYears.length);
  });

  it('exposes Prometheus metrics for requests, messages, outbox lag and dead letters', async () => {
    await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    const metrics = await hub.request(null, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    for (const name of [
      'hub_http_requests_total',
      'hub_messages_published_total',
      'hub_messages_consumed_total',
      'hub_outbox_lag_messages',
      'hub_outbox_lag_seconds',
      'hub_dead_letters_total',
      'hub_calendar_provisional_years',
    ]) {
      expect(metrics.body).toContain(`# TYPE ${name}`);
    }
    expect(metrics.body).toMatch(
      /hub_http_requests_total\{method="POST",route="\/v1\/referrals",status="201"\} [1-9]/,
    );
  });

  it('serves an OpenAPI document with every route', async () => {
    const doc = await hub.request(null, 'GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths).sort()).toEqual(
      [
        '/v1/agencies',
        '/v1/backlog',
        '/v1/briefing-pack',
        '/v1/briefings',
        '/v1/files',
        '/v1/penalty-cases',
        '/v1/reports/yearly',
        '/v1/reports/{id}/verify',
        '/v1/statistics',
        '/v1/inbox',
        '/v1/inbox/{messageId}/ack',
        '/v1/hub-keys',
        '/v1/integrity',
        '/v1/referrals',
        '/v1/referrals/{id}',
        '/v1/referrals/{id}/actions',
        '/v1/referrals/{id}/evidence',
        '/v1/referrals/{id}/files/{sha256}',
        '/v1/referrals/{id}/reads',
        '/v1/referrals/{id}/verify',
      ].sort(),
    );
    const submission = JSON.stringify(doc.body.paths['/v1/referrals'].post.requestBody);
    for (const field of ['caseTeam', 'approvedAt', 'basis', 'officials']) expect(submission).toContain(field);
  });
});
