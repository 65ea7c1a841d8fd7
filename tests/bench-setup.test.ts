import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { provisionBench, stopChild } from '../bench/bench-hub.js';
import { management } from '../workers/provision.js';
import { freePort } from './helpers/free-port.js';

const services = inject('services');

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: services.databaseUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return found.rowCount === 1;
  } finally {
    await client.end();
  }
}

async function usersNamed(prefix: string): Promise<string[]> {
  const users = (await management(services.managementUrl, 'GET', '/api/users')) as { name: string }[];
  return users.map((u) => u.name).filter((name) => name.startsWith(prefix));
}

const newId = () => `t${randomBytes(4).toString('hex')}`;

describe('the bench setup', () => {
  it('leaves no database behind when the management API does not answer, and says so without its credentials', async () => {
    const id = newId();
    // The database is created first; the management API (a port nothing listens on) fails after it.
    const port = await freePort();
    const failure = await provisionBench(
      {},
      { ...services, managementUrl: `http://bench-user:bench-secret@127.0.0.1:${port}`, id },
    ).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(
      new RegExp(`management API at http://127\\.0\\.0\\.1:${port} does not answer \\(ECONNREFUSED\\)`),
    );
    expect(failure?.message).toContain('RABBITMQ_MANAGEMENT_URL');
    expect(failure?.message).not.toMatch(/bench-user|bench-secret/);
    expect(await databaseExists(`hub_bench_${id}`)).toBe(false);
  });

  it('removes a RabbitMQ user it made but could not grant', async () => {
    const id = newId();
    // The user is made, then its permissions on a virtual host that does not exist are refused (400).
    const amqpUrl = `${services.amqpUrl.split(',')[0]}/no-such-vhost-${id}`;
    await expect(provisionBench({}, { ...services, amqpUrl, id })).rejects.toThrow(/permissions.*400/);
    expect(await usersNamed(`bench${id}.`)).toEqual([]);
    expect(await databaseExists(`hub_bench_${id}`)).toBe(false);
  });

  it('removes its database and RabbitMQ users when it is done', async () => {
    const id = newId();
    const setup = await provisionBench({}, { ...services, id });
    let removed = false;
    try {
      expect(await databaseExists(`hub_bench_${id}`)).toBe(true);
      expect(await usersNamed(`bench${id}.`)).toHaveLength(3);
      await setup.remove();
      removed = true;
      expect(await databaseExists(`hub_bench_${id}`)).toBe(false);
      expect(await usersNamed(`bench${id}.`)).toEqual([]);
    } finally {
      if (!removed) await setup.discard();
    }
  });

  it('refuses an id that is not a plain lower-case name', async () => {
    await expect(provisionBench({}, { ...services, id: 'Upper' })).rejects.toThrow(/lower-case/);
  });
});

describe("the bench's children", () => {
  it('are ended by stopChild: SIGTERM, then SIGKILL for one that ignores it; an ended one is left alone', async () => {
    // Each child says "ready" once its handlers are in place, so that the signal finds them there.
    const child = async (ignoreTerm: boolean) => {
      const started = spawn(
        process.execPath,
        [
          '-e',
          `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('ready');`,
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      await new Promise((resolve) => started.stdout.once('data', resolve));
      return started;
    };
    const polite = await child(false);
    await stopChild(polite);
    expect(polite.signalCode).toBe('SIGTERM');
    const stubborn = await child(true);
    await stopChild(stubborn, 300);
    await new Promise((r) =>
      stubborn.exitCode !== null || stubborn.signalCode !== null ? r(null) : stubborn.once('exit', r),
    );
    expect(stubborn.signalCode).toBe('SIGKILL');
    await stopChild(polite);
    await stopChild(undefined);
    expect(polite.signalCode).toBe('SIGTERM');
  }, 30_000);
});
