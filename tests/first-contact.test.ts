import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

// Issue 14: what a newcomer meets first — the yearly report's verbs, the messages of refusals, the icon.
let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub();
  await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
});
afterAll(async () => {
  await hub?.close();
});

const count = async (table: 'reports' | 'ledger_events' | 'briefings') =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(hub.db)).rows[0]?.n;

describe('the yearly report: POST stores a new version, GET reads the newest stored one', () => {
  it('answers REPORT_NOT_FOUND for a year with no stored report, and GET stores nothing', async () => {
    const before = await count('reports');
    const r = await hub.request('coord', 'GET', '/v1/reports/yearly?year=2026');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('REPORT_NOT_FOUND');
    expect(r.body.message).toContain('POST /v1/reports/yearly');
    expect(await count('reports')).toBe(before);
  });

  it('stores a version per POST and GET answers the newest, as JSON and as CSV', async () => {
    const first = await hub.request('coord', 'POST', '/v1/reports/yearly', { year: 2026 });
    expect(first.status).toBe(201);
    expect(first.headers.location).toBe('/v1/reports/yearly?year=2026');
    expect(first.body).toMatchObject({ year: 2026, region: '110101', version: 1, generatedBy: 'coord' });
    expect(first.body.chainHeads.referrals).toBe(1);
    const second = await hub.request('proc', 'POST', '/v1/reports/yearly', { year: 2026 });
    expect(second.body).toMatchObject({ version: 2, generatedBy: 'proc' });
    expect(second.body.id).not.toBe(first.body.id);

    const read = await hub.request('coord', 'GET', '/v1/reports/yearly?year=2026');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: second.body.id, version: 2, figures: second.body.figures });
    const csv = await hub.request('coord', 'GET', '/v1/reports/yearly?year=2026&format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('report-110101-2026-v2.csv');
    expect(String(csv.body)).toContain(',enf-a,');
    expect(await count('reports')).toBe(2);
  });

  it('says the parameter year is missing, not "expected number, received NaN"', async () => {
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', {}],
    ] as const) {
      const r = await hub.request('coord', method, '/v1/reports/yearly', body);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(r.body.message).toContain('the parameter year is missing');
      expect(JSON.stringify(r.body)).not.toContain('NaN');
    }
    const words = await hub.request('coord', 'GET', '/v1/reports/yearly?year=last');
    expect(words.body.message).toContain('year must be a whole number');
  });

  it('answers REPORT_NOT_FOUND, not REFERRAL_NOT_FOUND, when verifying a report that does not exist', async () => {
    const r = await hub.request('coord', 'GET', '/v1/reports/00000000-0000-4000-8000-000000000000/verify');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('REPORT_NOT_FOUND');
  });
});

describe('refusals that say what is wrong', () => {
  it('answers "no such agency" for a recipient the directory does not know', async () => {
    const unknown = await hub.request(
      'enf-a',
      'POST',
      '/v1/referrals',
      criminalTransfer({ recipient: 'pol-zz' }),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'RECIPIENT_INVALID', message: 'no such agency: pol-zz' });
    // A known agency of the wrong kind is the other refusal.
    const wrongKind = await hub.request(
      'enf-a',
      'POST',
      '/v1/referrals',
      criminalTransfer({ recipient: 'proc' }),
    );
    expect(wrongKind.body).toMatchObject({
      code: 'RECIPIENT_INVALID',
      message: 'proc is a procuratorate agency; a criminal_transfer goes to: police',
    });
    const itself = await hub.request(
      'enf-a',
      'POST',
      '/v1/referrals',
      criminalTransfer({ recipient: 'enf-a' }),
    );
    expect(itself.body.message).toBe('an agency does not send a criminal_transfer to itself');
    const briefing = await hub.request('enf-a', 'POST', '/v1/briefings', {
      recipients: ['nobody-here'],
      subject: '通报',
      body: '案情',
    });
    expect(briefing.body).toMatchObject({
      code: 'RECIPIENT_INVALID',
      message: 'no such agency: nobody-here',
    });
  });

  it('refuses a JSON body with a __proto__ key with its own code, and writes nothing', async () => {
    const ledger = await count('ledger_events');
    const body = JSON.stringify(criminalTransfer()).replace('{', '{"__proto__":{"admin":true},');
    const json = { 'content-type': 'application/json' };
    const proto = await hub.request('enf-a', 'POST', '/v1/referrals', body, json);
    expect(proto.status).toBe(400);
    expect(proto.body).toMatchObject({ code: 'JSON_KEY_REFUSED', details: { key: '__proto__' } });
    expect(proto.body.message).toContain('__proto__');
    expect(proto.body.message).not.toContain('not valid JSON');
    const nested = await hub.request(
      'enf-a',
      'POST',
      '/v1/briefings',
      '{"recipients":["pol-a"],"subject":"s","body":"b","x":{"constructor":{"prototype":{"admin":true}}}}',
      json,
    );
    expect(nested.body).toMatchObject({
      code: 'JSON_KEY_REFUSED',
      details: { key: 'constructor.prototype' },
    });
    // Broken JSON and an empty body keep their own message.
    const broken = await hub.request('enf-a', 'POST', '/v1/referrals', '{"kind": ', json);
    expect(broken.body).toEqual({ code: 'VALIDATION_FAILED', message: 'the body is not valid JSON' });
    const empty = await hub.request('enf-a', 'POST', '/v1/referrals', '', json);
    expect(empty.body.message).toContain('empty');
    // Nesting past the limit is refused before any parse (it once overflowed the reviver's recursion).
    const deep = `{"kind":"criminal_transfer","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const tooDeep = await hub.request('enf-a', 'POST', '/v1/referrals', deep, json);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(tooDeep.body.message).toContain('deeper than 64');
    expect(await count('ledger_events')).toBe(ledger);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('the icon', () => {
  it('serves /favicon.ico without a key, and the pages name it', async () => {
    const icon = await hub.request(null, 'GET', '/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    expect(String(icon.body)).toMatch(/^<svg /);
    const dashboard = await hub.request(null, 'GET', '/dashboard');
    expect(String(dashboard.body)).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.ico">');
    const pack = await hub.request('coord', 'GET', '/v1/briefing-pack');
    expect(String(pack.body)).toContain('href="/favicon.ico"');
  });
});
