import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { settle, startAgencies, submitStream } from './scenario.js';

let hub: TestHub;
let worker: ChildProcess | undefined;

function startWorkers(): ChildProcess {
  return hub.spawnProcess('workers/main.ts', { RELAY_BATCH_SIZE: '25', INTAKE_PREFETCH: '20' });
}

beforeAll(async () => {
  hub = await createTestHub({ env: { RATE_LIMIT_PER_SECOND: '100000' } });
  await hub.workers.stop(); // the worker process under test relays and takes commands alone
});
afterAll(async () => {
  worker?.kill('SIGKILL');
  await hub?.close();
});

describe('the worker process killed with SIGKILL mid-batch, again and again', () => {
  it('loses nothing and applies nothing twice', async () => {
    const agencies = await startAgencies(hub);
    worker = startWorkers();
    let kills = 0;
    const killer = setInterval(() => {
      if (kills >= 4) return;
      worker?.kill('SIGKILL');
      kills++;
      worker = startWorkers();
    }, 1500);
    const ids = await submitStream(hub, 200, 20);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    clearInterval(killer);
    const figures = await settle(hub, 'worker SIGKILL x4', ids, agencies);
    await agencies.close();
    expect(kills).toBe(4);
    expect(figures.lost).toBe(0);
    expect(figures.delivered).toBe(figures.sent);
    expect(figures.chainsVerified).toBe(`${ids.length}/${ids.length}`);
    // Exactly-once effects: one event of each step per referral, however often messages came again.
    const counts = await hub.db
      .selectFrom('ledger_events')
      .select(['event', hub.db.fn.countAll<number>().as('n')])
      .where('referral_id', 'in', ids)
      .where('event', 'in', ['submitted', 'receipted', 'briefed', 'filed', 'goods_handed_over'])
      .groupBy('event')
      .execute();
    for (const c of counts) expect(Number(c.n), c.event).toBe(ids.length);
    expect(counts).toHaveLength(5);
  });
});
