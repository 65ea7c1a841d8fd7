import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DEMO_AGENCIES } from '../db/demo-region.js';
import { agencyGrant } from '../workers/provision.js';
import { runNode } from './helpers/hub-cli.js';
import { cleanBroker } from './helpers/test-hub.js';
import { adminQuery, withDatabase } from './setup/services.js';

// `hub seed-demo` on a database that does not exist yet and RabbitMQ names of this file's own.
const services = inject('services');
const id = randomBytes(5).toString('hex');
const dbName = `hub_test_${id}`;
const prefix = `t${id}.`;

afterAll(async () => {
  await adminQuery(services.databaseUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  const users = DEMO_AGENCIES.filter((a) => a.delivery === 'amqp').map(
    (a) => agencyGrant(prefix, a.code).user,
  );
  await cleanBroker(services.managementUrl, prefix, users);
});

function seedDemo() {
  return runNode(['bin/hub.ts', 'seed-demo'], {
    DATABASE_URL: withDatabase(services.databaseUrl, dbName),
    AMQP_URL: services.amqpUrl,
    RABBITMQ_MANAGEMENT_URL: services.managementUrl,
    AMQP_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  });
}

describe('hub seed-demo', () => {
  it('makes and migrates the database, seeds the demo region once with its keys, and exits', async () => {
    const first = await seedDemo();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Demo region 500156 seeded');
    for (const agency of DEMO_AGENCIES) {
      expect(first.stdout).toMatch(new RegExp(`^ {2}${agency.code} +${agency.kind} +rh_\\S+$`, 'm'));
    }
    const client = new pg.Client({ connectionString: withDatabase(services.databaseUrl, dbName) });
    await client.connect();
    const { rows } = await client
      .query('SELECT count(*)::int AS n FROM agencies')
      .finally(() => client.end());
    expect(rows[0]?.n).toBe(DEMO_AGENCIES.length);
    const again = await seedDemo();
    expect([again.status, again.stdout]).toEqual([
      0,
      'the directory holds agencies already: nothing seeded\n',
    ]);
  }, 90_000);
});
