import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criminalTransfer } from './helpers/fixtures.js';
import { freePort } from './helpers/free-port.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';
import { waitFor } from './helpers/wait.js';

// The relay's poll is a minute here: what it relays within seconds, a notification woke it for.
let hub: TestHub;
let gateway: ChildProcess;
let base: string;

beforeAll(async () => {
  hub = await createTestHub({ env: { RELAY_POLL_MS: '60000' } });
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

  it('listens again after losing its connection', async () => {
    const { rows } = await sql<{ ended: boolean }>`
      SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
      WHERE application_name = 'referral-hub outbox listener' AND datname = current_database()`.execute(
      hub.db,
    );
    expect(rows.map((r) => r.ended)).toEqual([true]);
    await waitFor(() => !hub.workers.outboxListener.listening, 'the listener to notice');
    // Committed while it was away, or just after it came back: relayed either way (it looks when it
    // reconnects, for what no one could tell it).
    const missed = await submitElsewhere();
    await waitFor(() => hub.workers.outboxListener.listening, 'the listener back', 20_000);
    await waitFor(() => delivered(missed), 'the delivery committed around the reconnection', 15_000);
    const after = await submitElsewhere();
    await waitFor(() => delivered(after), 'the delivery after it came back', 15_000);
  });
});
