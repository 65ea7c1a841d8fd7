import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { provisionBench } from '../bench/bench-hub.js';
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

describe('the bench setup', () => {
  it('leaves no database behind when RabbitMQ cannot be provisioned', async () => {
    const id = `t${randomBytes(4).toString('hex')}`;
    // The database is created first; the management API (a port nothing listens on) fails after it.
    const port = await freePort();
    await expect(
      provisionBench({}, { ...services, managementUrl: `http://guest:guest@127.0.0.1:${port}`, id }),
    ).rejects.toThrow(
      new RegExp(
        `management API at http://127\\.0\\.0\\.1:${port} does not answer \\(ECONNREFUSED\\).*RABBITMQ_MANAGEMENT_URL`,
      ),
    );
    expect(await databaseExists(`hub_bench_${id}`)).toBe(false);
  });

  it('removes its database and RabbitMQ users when it is done', async () => {
    const id = `t${randomBytes(4).toString('hex')}`;
    const setup = await provisionBench({}, { ...services, id });
    expect(await databaseExists(`hub_bench_${id}`)).toBe(true);
    expect(await usersNamed(`bench${id}.`)).toHaveLength(3);
    await setup.remove();
    expect(await databaseExists(`hub_bench_${id}`)).toBe(false);
    expect(await usersNamed(`bench${id}.`)).toEqual([]);
  });
});
