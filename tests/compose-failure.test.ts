import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runNode } from './helpers/hub-cli.js';
import { adminQuery, withDatabase } from './setup/services.js';

/**
 * composeHub (bin/compose.ts) started on a database that was never migrated: loading the hub's key fails
 * after its pool has opened a connection. The caller gets the error and nothing of the hub is left open.
 */
const services = inject('services');
const dbName = `hub_test_${randomBytes(5).toString('hex')}`;

beforeAll(async () => {
  await adminQuery(services.databaseUrl, `CREATE DATABASE ${dbName}`);
});
afterAll(async () => {
  await adminQuery(services.databaseUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

// Run in a process of its own, so that what stays open is this hub's alone.
const SCRIPT = `
const { composeHub } = await import(${JSON.stringify(new URL('../bin/compose.ts', import.meta.url).href)});
const { parseConfig } = await import(${JSON.stringify(new URL('../schemas/config.ts', import.meta.url).href)});
const parsed = parseConfig(process.env);
if (!parsed.ok) throw new Error(parsed.message);
let failure;
try {
  await composeHub(parsed.value);
} catch (error) {
  failure = error.message;
}
await new Promise((resolve) => setTimeout(resolve, 200));
// Network connections only (the child's stdout and stderr are pipes).
const open = process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));
console.log(JSON.stringify({ failure, open }));
process.exit(0);
`;

describe('composeHub when a step fails', () => {
  it('rejects with the cause and leaves no connection of its pool open', async () => {
    const { stdout: out } = await runNode(['--input-type=module', '-e', SCRIPT], {
      DATABASE_URL: withDatabase(services.databaseUrl, dbName),
      AMQP_URL: services.amqpUrl,
      AMQP_PREFIX: `t${randomBytes(5).toString('hex')}.`,
      LOG_LEVEL: 'silent',
    });
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { failure?: string; open?: string[] };
    // The hub's key table does not exist in an unmigrated database.
    expect(result.failure).toMatch(/"hub_signing_keys" does not exist/);
    // Before: the pool kept the connection it had opened (a TCPSocketWrap) after composeHub had failed.
    expect(result.open).toEqual([]);
  });
});
