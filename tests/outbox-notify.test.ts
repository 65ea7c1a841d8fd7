import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../runtime/logger.js';
import { OutboxListener } from '../workers/outbox-listener.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { freePort } from './helpers/free-port.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

// The relay's poll is a minute here: what it relays within seconds, a notification (or its own round) woke
// it for. One lane, so that no other lane's round can stand in for a wake-up this one missed.
let hub: TestHub;
let gateway: ChildProcess;
let base: string;

beforeAll(async () => {
  hub = await createTestHub({ env: { RELAY_POLL_MS: '60000', RELAY_LANES: '1' } });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // A gateway of its own, as docker compose runs it: its commits nudge no relay in this process.
  gateway = hub.spawnProcess('gateway/main.ts', { PORT: String(port) });
  await waitFor(() => fetch(`${base}/healthz`).then((r) => r.ok), 'the gateway', 30_000);
  await waitFor(() => hub.workers.outboxListener.listening, 'the outbox listener');
});
afterAll(async () => {
  gateway?.kill('SIGTERM');
  await hub?.close();
});

async function submitElsewhere(): Promise<string> {
  const response = await fetch(`${base}/v1/referrals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${hub.keys['enf-a']}`, 'content-type': 'application/json' },
    body: JSON.stringify(criminalTransfer()),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const delivered = async (referralId: string) => {
  const inbox = await hub.inbox('pol-a');
  return inbox.received.some(
    (r) => r.envelope.referralId === referralId && r.envelope.type === 'referral.submitted',
  );
};

describe('the relay wakes when another process commits messages', () => {
  it('relays a referral submitted through another process at once, not at its next poll', async () => {
    await hub.inbox('pol-a');
    const id = await submitElsewhere();
    await waitFor(() => delivered(id), 'the police delivery', 15_000);
  });

  it('tells of each change, and wakes its relay whenever it is listening again', async () => {
    const changes: boolean[] = [];
    let wakes = 0;
    const log = createLogger('silent');
    const listener = new OutboxListener(
      hub.config.DATABASE_URL,
      () => wakes++,
      log,
      (on) => changes.push(on),
    );
    listener.start();
    try {
      await waitFor(() => listener.listening, 'listening');
      expect([changes, wakes]).toEqual([[true], 1]);
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'referral-hub outbox listener' AND datname = current_database()`.execute(
        hub.db,
      );
      await waitFor(() => changes.length === 3, 'lost and back', 20_000);
      expect([changes, wakes]).toEqual([[true, false, true], 2]);
    } finally {
      await listener.stop();
    }
    expect(listener.listening).toBe(false);
  });

  it('listens again after losing its connection', async () => {
    const listening = async () => (await hub.metrics.outboxListening.get()).values[0]?.value;
    await waitFor(() => hub.workers.outboxListener.listening, 'the listener (after the test before)');
    expect(await listening()).toBe(1);
    const lostBefore = hub.workers.outboxListener.lostConnections;
    const { rows } = await sql<{ ended: boolean }>`
      SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
      WHERE application_name = 'referral-hub outbox listener' AND datname = current_database()`.execute(
      hub.db,
    );
    expect(rows.map((r) => r.ended)).toEqual([true]);
    // Counted, not sampled: with a short backoff it can be listening again before a look at `listening`.
    await waitFor(() => hub.workers.outboxListener.lostConnections > lostBefore, 'the listener to notice');
    // Committed while it was away, or just after it came back: relayed either way (it looks when it
    // reconnects, for what no one could tell it).
    const missed = await submitElsewhere();
    await waitFor(() => hub.workers.outboxListener.listening, 'the listener back', 20_000);
    expect(await listening()).toBe(1);
    await waitFor(() => delivered(missed), 'the delivery committed around the reconnection', 15_000);
    const after = await submitElsewhere();
    await waitFor(() => delivered(after), 'the delivery after it came back', 15_000);
  });

  it('relays at once what a round held back for an earlier message, though no commit announces it', async () => {
    await hub.inbox('proc');
    // Queued while the relay is stopped: the procuratorate's copies of the transfer and of its receipt, the
    // second held back until the first is out (per-referral order to one agency).
    await hub.workers.relay.stop();
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id as string;
    const receipted = await hub.request('pol-a', 'POST', `/v1/referrals/${id}/actions`, {
      action: 'receipt',
    });
    expect(receipted.status).toBe(200);
    // The commits' notifications arrive before the relay starts, so that none lands during its first round.
    await new Promise((resolve) => setTimeout(resolve, 500));
    hub.workers.relay.start();
    const copies = async () => {
      const inbox = await hub.inbox('proc');
      const types = inbox.received.filter((r) => r.envelope.referralId === id).map((r) => r.envelope.type);
      return types.length === 2 && types;
    };
    expect(await waitFor(copies, "the procuratorate's two copies", 15_000)).toEqual([
      'referral.submitted',
      'referral.receipted',
    ]);
  });
});
