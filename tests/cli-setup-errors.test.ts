import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runNode } from './helpers/hub-cli.js';
import { adminQuery, withDatabase } from './setup/services.js';

// The CLI against a setup that is wrong: one line naming what and how to fix it, exit 2, no stack trace.
const services = inject('services');
const id = randomBytes(5).toString('hex');
const empty = `hub_test_${id}_empty`;

beforeAll(async () => {
  await adminQuery(services.databaseUrl, `CREATE DATABASE ${empty}`);
});
afterAll(async () => {
  await adminQuery(services.databaseUrl, `DROP DATABASE IF EXISTS ${empty} WITH (FORCE)`);
});

function keyList(databaseUrl: string) {
  return runNode(['bin/hub.ts', 'key', 'list', 'demo-market'], {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
  });
}

describe('hub commands on a wrong setup', () => {
  it.each([
    [
      'a database that does not exist',
      () => withDatabase(services.databaseUrl, `hub_test_${id}_none`),
      new RegExp(
        `^database "hub_test_${id}_none" does not exist: check DATABASE_URL, or create and migrate it with: npm run hub -- migrate$`,
      ),
    ],
    [
      'a database not migrated',
      () => withDatabase(services.databaseUrl, empty),
      /^the database is not migrated \(relation "\w+" does not exist\): npm run hub -- migrate$/,
    ],
    [
      'a port nothing listens on',
      () => 'postgres://hub@127.0.0.1:1/hub',
      /^nothing answers at 127\.0\.0\.1:1 \(ECONNREFUSED\): is the service up\? \(DATABASE_URL, AMQP_URL\)$/,
    ],
  ])('%s: one line and exit 2', async (_, url, line) => {
    const ran = await keyList(url());
    expect(ran.status).toBe(2);
    expect(ran.stderr.trim()).toMatch(line);
    expect(ran.stderr).not.toMatch(/^\s+at /m);
  });
});
