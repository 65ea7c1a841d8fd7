import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criminalTransfer } from '../helpers/fixtures.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';
import { settle, startAgencies, submitStream } from './scenario.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await createTestHub({ env: { RATE_LIMIT_PER_SECOND: '100000' } });
  await hub.workers.stop(); // the processes under test do the relaying and the intake
});
afterAll(async () => {
  await hub?.close();
});

function spawnHubProcess(entry: string, extra: Record<string, string>): ChildProcess {
  return hub.spawnProcess(entry, extra);
}

/** Runs the workers with a crash point; when it dies, starts them again without one. Counts the crashes. */
function superviseWorkers(crashAt: string, after: number) {
  let crashes = 0;
  let current = spawnHubProcess('workers/main.ts', { HUB_CRASH_AT: crashAt, HUB_CRASH_AFTER: String(after) });
  const restart = (signal: NodeJS.Signals | null) => {
    if (signal !== 'SIGKILL') return;
    crashes++;
    current = spawnHubProcess('workers/main.ts', {});
  };
  current.on('exit', (_code, signal) => restart(signal));
  return { crashes: () => crashes, stop: () => current.kill('SIGTERM') };
}

async function eventCounts(ids: string[]) {
  const { rows } = await sql<{ event: string; n: number }>`
    SELECT event, count(*)::int AS n FROM ledger_events WHERE referral_id = ANY(${ids}::uuid[])
      AND event IN ('submitted', 'receipted', 'briefed', 'filed', 'goods_handed_over') GROUP BY event`.execute(
    hub.db,
  );
  return Object.fromEntries(rows.map((r) => [r.event, r.n]));
}

describe('a crash injected at each step of the relay and the intake', () => {
  it.each([
    ['relay.after_publish', 'published, confirmed, not yet marked', 3],
    ['intake.after_apply', 'applied and committed, not yet acked', 5],
  ])('%s (%s): nothing lost, nothing applied twice', async (crashAt, _what, after) => {
    const agencies = await startAgencies(hub);
    const workers = superviseWorkers(crashAt, after);
    const ids = await submitStream(hub, 40, 20);
    const figures = await settle(hub, `crash at ${crashAt}`, ids, agencies);
    workers.stop();
    await agencies.close();
    expect(workers.crashes()).toBe(1);
    expect(figures.lost).toBe(0);
    expect(figures.chainsVerified).toBe(`${ids.length}/${ids.length}`);
    const counts = await eventCounts(ids);
    for (const event of ['submitted', 'receipted', 'briefed', 'filed', 'goods_handed_over'])
      expect(counts[event], event).toBe(ids.length);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  });
});

describe('a crash injected in the gateway after the commit, before the reply', () => {
  it('gives one referral per Idempotency-Key when the client retries against the restarted gateway', async () => {
    const port = 20_000 + (process.pid % 20_000);
    const base = `http://127.0.0.1:${port}`;
    const start = (crash: boolean) =>
      spawnHubProcess('gateway/main.ts', {
        PORT: String(port),
        ...(crash ? { HUB_CRASH_AT: 'gateway.after_commit', HUB_CRASH_AFTER: '4' } : {}),
      });
    let gateway = start(true);
    const up = () => waitFor(() => fetch(`${base}/healthz`).then((r) => r.ok), 'the gateway', 30_000);
    await up();
    const keys = Array.from({ length: 8 }, () => randomUUID());
    let crashes = 0;
    let replays = 0;
    for (const key of keys) {
      const body = JSON.stringify(criminalTransfer()); // a retry sends the very same request
      for (;;) {
        const response = await fetch(`${base}/v1/referrals`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${hub.keys['enf-a']}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body,
        }).catch(() => undefined);
        if (response?.status === 201) {
          if (response.headers.get('idempotent-replayed') === 'true') replays++;
          break;
        }
        // The gateway died between commit and reply: start it again, retry with the same key.
        expect(response, `answered ${response?.status}`).toBeUndefined();
        crashes++;
        await new Promise((resolve) =>
          gateway.exitCode !== null || gateway.signalCode !== null
            ? resolve(null)
            : gateway.on('exit', resolve),
        );
        gateway = start(false);
        await up();
      }
    }
    gateway.kill('SIGTERM');
    const { rows } = await sql<{ n: number }>`
      SELECT count(DISTINCT response->>'id')::int AS n FROM idempotency_keys WHERE key = ANY(${keys})`.execute(
      hub.db,
    );
    const made = await hub.db.selectFrom('idempotency_keys').select('key').where('key', 'in', keys).execute();
    console.log(
      `FAULTS ${JSON.stringify({ scenario: 'crash at gateway.after_commit', sent: keys.length, crashes, replays, referrals: rows[0]?.n })}`,
    );
    expect(crashes).toBe(1);
    expect(replays).toBe(1);
    expect(made).toHaveLength(keys.length);
    expect(rows[0]?.n).toBe(keys.length);
  });
});
