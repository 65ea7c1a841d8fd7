import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionCommand } from '../helpers/commands.js';
import { criminalTransfer } from '../helpers/fixtures.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';

let hub: TestHub;
const children: ChildProcess[] = [];

beforeAll(async () => {
  hub = await createTestHub({ env: { RATE_LIMIT_PER_SECOND: '100000' } });
  // The in-process intake steps aside: the workers process under test takes hub.inbound alone.
  await hub.workers.intake.stop();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await hub?.close();
});

function startWorkers(): ChildProcess {
  const child = hub.spawnProcess('workers/main.ts', { INTAKE_PREFETCH: '5' });
  children.push(child);
  return child;
}

/** SIGTERM came mid-stream: some commands applied, some not yet. */
const afterStopAt = (n: number, total: number) => n > 0 && n < total;

const processed = async (ids: string[]) =>
  (
    await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM processed_messages WHERE message_id = ANY(${ids}::uuid[])`.execute(
      hub.db,
    )
  ).rows[0]?.n ?? 0;

async function readyInInbound(): Promise<{ ready: number; consumers: number }> {
  const connection = await amqp.connect(hub.config.AMQP_URL);
  const channel = await connection.createChannel();
  const q = await channel.checkQueue(`${hub.prefix}hub.inbound`);
  await connection.close();
  return { ready: q.messageCount, consumers: q.consumerCount };
}

describe('graceful shutdown', () => {
  it('finishes what is in flight on SIGTERM, loses nothing and applies nothing twice', async () => {
    const total = 500;
    const referrals: string[] = [];
    for (let i = 0; i < total; i++)
      referrals.push((await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer())).body.id);
    const ids: string[] = [];
    for (const id of referrals) {
      const messageId = randomUUID();
      ids.push(messageId);
      await hub.sendCommand(
        'pol-a',
        actionCommand('pol-a', id, { action: 'receipt' }, { messageId, correlationId: id }),
      );
    }
    const workers = startWorkers();
    await waitFor(async () => (await processed(ids)) >= 5, 'the workers to start applying', 30_000);
    const exited = new Promise<number | null>((resolve) => workers.on('exit', (code) => resolve(code)));
    workers.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(afterStopAt(await processed(ids), total)).toBe(true);
    const afterStop = await processed(ids);
    const queue = await readyInInbound();
    // Every command is either applied or still waiting in the queue: none lost, none half-done.
    expect(queue.consumers).toBe(0);
    expect(afterStop + queue.ready).toBe(total);

    const again = startWorkers();
    await waitFor(
      async () => (await readyInInbound()).consumers === 1,
      'the restarted workers to consume',
      30_000,
    );
    await waitFor(async () => (await processed(ids)) === total, 'the rest after a restart', 60_000);
    const stopped = new Promise<number | null>((resolve) => again.on('exit', (code) => resolve(code)));
    again.kill('SIGTERM');
    expect(await stopped).toBe(0);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ledger_events WHERE event = 'receipted' AND referral_id = ANY(${referrals}::uuid[])`.execute(
      hub.db,
    );
    expect(rows[0]?.n).toBe(total);
    expect((await readyInInbound()).ready).toBe(0);
  }, 180_000);
});
