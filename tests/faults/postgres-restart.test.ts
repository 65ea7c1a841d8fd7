import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criminalTransfer } from '../helpers/fixtures.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { OwnPostgres } from './own-postgres.js';
import { settle, startAgencies, submitStream } from './scenario.js';

const pg = new OwnPostgres(55432 + (process.pid % 1000));
let hub: TestHub;

beforeAll(async () => {
  pg.init();
  hub = await createTestHub({ server: pg.url, env: { RATE_LIMIT_PER_SECOND: '100000', DB_POOL_SIZE: '8' } });
}, 120_000);
afterAll(async () => {
  await hub?.close().catch(() => {});
  pg.destroy();
});

describe('PostgreSQL stopped and started under a stream of referrals', () => {
  it('answers 503 with Retry-After while it is down, never hangs, and resumes by itself with nothing lost', async () => {
    const agencies = await startAgencies(hub);
    const first = await submitStream(hub, 60, 10);

    pg.stop();
    const during: { status: number; retryAfter: unknown; ms: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer());
      during.push({ status: r.status, retryAfter: r.headers['retry-after'], ms: performance.now() - t0 });
    }
    const ready = await hub.request(null, 'GET', '/readyz');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    pg.start();

    const second = await submitStream(hub, 60, 10);
    const figures = await settle(hub, 'PostgreSQL stop and start', [...first, ...second], agencies);
    await agencies.close();

    expect(during.map((d) => d.status)).toEqual([503, 503, 503, 503, 503]);
    expect(during.every((d) => d.retryAfter !== undefined && d.ms < 8000)).toBe(true);
    expect(ready.status).toBe(503);
    expect(figures.lost).toBe(0);
    expect(figures.delivered).toBe(figures.sent);
    expect(figures.chainsVerified).toBe(`${figures.sent}/${figures.sent}`);
  });
});
