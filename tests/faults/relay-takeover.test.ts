import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingMessageIds, publishedAt } from '../../db/outbox.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';
import { settle, startAgencies, submitStream } from './scenario.js';

let hub: TestHub;
const workers: ChildProcess[] = [];
const BATCH = 25;

beforeAll(async () => {
  hub = await createTestHub({ env: { RATE_LIMIT_PER_SECOND: '100000' } });
  await hub.workers.stop(); // the worker processes under test relay and take commands alone
});
afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await hub?.close();
});

const spawnWorkers = () => {
  const w = hub.spawnProcess('workers/main.ts', { RELAY_BATCH_SIZE: String(BATCH), INTAKE_PREFETCH: '20' });
  workers.push(w);
  return w;
};

/**
 * Kills the given worker processes at once and measures how long the messages that were waiting at that
 * moment take to be published by the survivors (a dead relay's claim goes with its connection).
 */
async function killAndMeasure(victims: ChildProcess[]): Promise<number> {
  const waiting = await pendingMessageIds(hub.db);
  const killedAt = Date.now();
  for (const v of victims) v.kill('SIGKILL');
  const published = await waitFor(
    async () => {
      const at = await publishedAt(hub.db, waiting);
      return at.size === waiting.length ? at : undefined;
    },
    'every message that was waiting at the kill, published',
    30_000,
  );
  const last = Math.max(killedAt, ...[...published.values()].map((d) => d.getTime()));
  return (last - killedAt) / 1000;
}

describe('relays taking over from relays that died', () => {
  it('publishes a dead relay’s claimed messages within seconds, re-sending at most a batch, also when two die at once', async () => {
    const agencies = await startAgencies(hub);
    for (let i = 0; i < 4; i++) spawnWorkers();
    const stream = submitStream(hub, 240, 10);
    // Every worker process is up and relaying (tsx takes a moment to start).
    await waitFor(() => agencies.delivered.size >= 40, 'the relays relaying', 30_000);
    const single = await killAndMeasure([workers[0]!]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const double = await killAndMeasure([workers[1]!, workers[2]!]);
    const ids = await stream;
    const figures = await settle(hub, 'relay takeover: one killed, then two at once', ids, agencies);
    await agencies.close();
    const resent = figures.duplicatesSuppressed;
    console.log(
      `FAULTS ${JSON.stringify({ scenario: 'relay takeover', killToLastDeliverySeconds: { single, double }, resent })}`,
    );
    expect(figures.lost).toBe(0);
    expect(figures.chainsVerified).toBe(`${ids.length}/${ids.length}`);
    expect(single).toBeLessThanOrEqual(5);
    expect(double).toBeLessThanOrEqual(5);
    // Two batches at most could have been published and not recorded by the three relays killed.
    expect(resent).toBeLessThanOrEqual(3 * BATCH);
  }, 180_000);
});
