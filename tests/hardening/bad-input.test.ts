import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criminalTransfer } from '../helpers/fixtures.js';
import { hostileText } from '../helpers/hostile-text.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';

let hub: TestHub;
let referral = '';
beforeAll(async () => {
  hub = await createTestHub({ env: { RATE_LIMIT_PER_SECOND: '1000000' } });
  referral = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id;
});
afterAll(async () => {
  await hub?.close();
});

const ledgerCount = async () =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ledger_events`.execute(hub.db)).rows[0]?.n ?? 0;

/** Bodies near the real ones (a valid transfer with one field broken) and far from them (anything at all). */
function bodies() {
  const valid = criminalTransfer();
  const nearly = fc
    .record({
      key: fc.constantFrom(...Object.keys(valid)),
      value: fc.anything({ maxDepth: 2, stringUnit: 'binary' }),
    })
    .map(({ key, value }) => ({ ...valid, [key]: value }));
  const action = fc.record({
    action: fc.oneof(
      fc.constantFrom('receipt', 'file', 'decline', 'forward', 'brief', 'close'),
      hostileText(),
    ),
    reasonCode: fc.anything({ maxDepth: 1, stringUnit: 'binary' }),
    to: hostileText(),
    reasons: fc.oneof(hostileText(), fc.integer()),
  });
  return fc.oneof(
    fc.anything({ maxDepth: 3, stringUnit: 'binary' }),
    fc.json(),
    nearly,
    action,
    hostileText(200),
  );
}

/**
 * Query-string values near the real ones (numbers past PostgreSQL's bigint, negative, with exponents; times
 * in odd years) and far from them; sent URL-encoded.
 */
function queryValues() {
  return fc
    .oneof(
      fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String),
      fc.constantFrom('9223372036854775807', '9223372036854775808', '9999999999999999999', '1e3', '0x10'),
      fc
        .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
        .map((d) => d.toISOString()),
      hostileText(40),
    )
    .map(percentEncoded);
}

/** URL-encodes any string; a lone surrogate as the three bytes WTF-8 gives it (invalid UTF-8, as a client may send). */
function percentEncoded(value: string): string {
  return Array.from(value, (ch) => {
    if (!ch.isWellFormed()) {
      const unit = ch.charCodeAt(0);
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    }
    return encodeURIComponent(ch);
  }).join('');
}

const ROUTES = [
  (_id: string, _q: string) => ({ method: 'POST', url: '/v1/referrals' }),
  (id: string, _q: string) => ({ method: 'POST', url: `/v1/referrals/${id}/actions` }),
  (_id: string, _q: string) => ({ method: 'POST', url: '/v1/briefings' }),
  (_id: string, _q: string) => ({ method: 'POST', url: `/v1/inbox/${randomUUID()}/ack` }),
  (_id: string, q: string) => ({ method: 'GET', url: `/v1/referrals?limit=2&cursor=${q}` }),
  (_id: string, q: string) => ({ method: 'GET', url: `/v1/referrals?from=${q}&to=${q}` }),
  (_id: string, q: string) => ({ method: 'GET', url: `/v1/inbox?after=${q}` }),
  (id: string, q: string) => ({ method: 'GET', url: `/v1/referrals/${id}/evidence?statement=${q}` }),
  (_id: string, q: string) => ({ method: 'GET', url: `/v1/statistics?from=${q}` }),
  (_id: string, q: string) => ({ method: 'GET', url: `/v1/backlog?dueWithinDays=${q}&minAgeDays=${q}` }),
] as const;

describe('generated bad input', () => {
  it('never answers 5xx nor writes the ledger for 100 000 generated requests', async () => {
    const before = await ledgerCount();
    let accepted = 0;
    const seen: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(
        bodies(),
        fc.integer({ min: 0, max: ROUTES.length - 1 }),
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-8',
          '',
        ),
        fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        fc.constantFrom('enf-a', 'pol-a', 'coord', null),
        queryValues(),
        async (body, route, contentType, idempotencyKey, as, query) => {
          const { method, url } = ROUTES[route]!(referral, query);
          const headers: Record<string, string> = {};
          if (as) headers.authorization = `Bearer ${hub.keys[as]}`;
          if (contentType) headers['content-type'] = contentType;
          if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
          const payload = typeof body === 'string' ? body : (JSON.stringify(body) ?? 'null');
          const response = await hub.app.inject({
            method: method as 'POST',
            url,
            headers,
            ...(method === 'GET' ? {} : { payload }),
          });
          seen[response.statusCode] = (seen[response.statusCode] ?? 0) + 1;
          if (response.statusCode >= 500)
            throw new Error(`${response.statusCode} for ${method} ${url}: ${response.body}`);
          const json = response.json() as { code?: string; message?: string };
          if (response.statusCode >= 400) {
            expect(typeof json.code).toBe('string');
            expect(typeof json.message).toBe('string');
          } else if (method === 'POST' && url.includes('/actions')) accepted++;
          else if (url === '/v1/referrals' && response.statusCode === 201) accepted++;
        },
      ),
      { numRuns: 100_000 },
    );
    // Only requests the hub accepted wrote a ledger event (none of these should have been valid).
    expect(await ledgerCount()).toBe(before + accepted);
    expect(Object.keys(seen).every((s) => Number(s) < 500)).toBe(true);
    expect(seen[400] ?? 0).toBeGreaterThan(1000);
  }, 600_000);

  it('dead-letters generated AMQP payloads without a ledger write, and keeps serving', async () => {
    const before = await ledgerCount();
    const samples = fc.sample(
      fc.oneof(fc.anything({ maxDepth: 3, stringUnit: 'binary' }), fc.json(), hostileText()),
      Number(process.env.AMQP_SAMPLES ?? 1500),
    );
    const ids: string[] = [];
    for (const sample of samples) {
      const messageId = randomUUID();
      ids.push(messageId);
      const raw = Buffer.from(typeof sample === 'string' ? sample : (JSON.stringify(sample) ?? 'null'));
      await hub.sendCommand('pol-a', null, { raw, messageId });
    }
    await waitFor(
      async () => {
        const { rows } = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM processed_messages WHERE message_id = ANY(${ids}::uuid[])`.execute(
          hub.db,
        );
        return (rows[0]?.n ?? 0) === ids.length;
      },
      'every payload refused',
      60_000,
    );
    expect(await ledgerCount()).toBe(before);
    const ok = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
    expect(ok.status).toBe(201);
  }, 120_000);
});
