import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../db/connection.js';
import { AgencyDirectory } from '../../db/directory.js';
import { deliveryRecord } from '../../db/outbox.js';
import { RegionPolicy } from '../../db/region-policy.js';
import { buildApp } from '../../gateway/app.js';
import { createLogger } from '../../runtime/logger.js';
import { createMetrics } from '../../runtime/metrics.js';
import { actionCommand } from '../helpers/commands.js';
import { criminalTransfer } from '../helpers/fixtures.js';
import { createTestHub, type TestHub } from '../helpers/test-hub.js';
import { waitFor } from '../helpers/wait.js';

let hub: TestHub;
let second: FastifyInstance;
let secondDb: Db;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  hub = await createTestHub({ env: { RATE_LIMIT_PER_SECOND: '100000' } });
  // The in-process workers step aside: two worker processes of their own do the relaying and intake.
  await hub.workers.stop();
  secondDb = createDb(hub.config.DATABASE_URL, 5);
  second = await buildApp({
    config: hub.config,
    db: secondDb,
    directory: new AgencyDirectory(secondDb),
    policy: new RegionPolicy(secondDb),
    metrics: createMetrics(),
    log: createLogger('silent'),
  });
  for (let i = 0; i < 2; i++) {
    workers.push(hub.spawnProcess('workers/main.ts', { RELAY_BATCH_SIZE: '20' }));
  }
});

afterAll(async () => {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve) => {
          if (w.exitCode !== null) return resolve(null);
          w.on('exit', resolve);
          w.kill('SIGTERM');
        }),
    ),
  );

  await second?.close();
  await secondDb?.destroy();
  await hub?.close();
});

describe('two gateways and two worker processes on one database and broker', () => {
  it('delivers every referral once, applies every receipt once, and loses none', async () => {
    const police = await hub.consumeInbox('pol-a');
    const total = 300;
    const ids: string[] = [];
    for (let i = 0; i < total; i++) {
      const gateway = i % 2 === 0 ? hub.app : second;
      const response = await gateway.inject({
        method: 'POST',
        url: '/v1/referrals',
        headers: { authorization: `Bearer ${hub.keys['enf-a']}` },
        payload: criminalTransfer(),
      });
      expect(response.statusCode).toBe(201);
      ids.push(response.json().id);
    }
    const submitted = () => police.received.filter((r) => r.envelope.type === 'referral.submitted');
    await waitFor(
      () => new Set(submitted().map((r) => r.envelope.referralId)).size === total,
      'every delivery',
      60_000,
    );
    // The police answer each delivery (duplicates included, as a real system would) over AMQP.
    for (const delivery of submitted()) {
      await hub.sendCommand(
        'pol-a',
        actionCommand(
          'pol-a',
          delivery.envelope.referralId,
          { action: 'receipt' },
          { causationId: delivery.envelope.messageId },
        ),
      );
    }
    await waitFor(
      async () => {
        const { rows } = await sql<{ n: number }>`
        SELECT count(DISTINCT referral_id)::int AS n FROM ledger_events WHERE event = 'receipted' AND referral_id = ANY(${ids}::uuid[])`.execute(
          hub.db,
        );
        return rows[0]?.n === total;
      },
      'every receipt',
      60_000,
    );
    const messageIds = submitted().map((r) => r.envelope.messageId);
    expect(new Set(messageIds).size).toBe(messageIds.length); // no message published twice
    expect(submitted()).toHaveLength(total);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ledger_events WHERE event = 'receipted' AND referral_id = ANY(${ids}::uuid[])`.execute(
      hub.db,
    );
    expect(rows[0]?.n).toBe(total);
    await waitFor(
      async () => {
        const record = (await Promise.all(ids.map((referralId) => deliveryRecord(hub.db, { referralId }))))
          .flat()
          .filter((d) => d.channel === 'amqp');
        // submitted → police and procuratorate, receipted → agency and procuratorate: all over AMQP here.
        return record.length === total * 4 && record.every((d) => d.status !== 'queued');
      },
      'every notice published',
      30_000,
    );
    await police.close();
  }, 120_000);
});
