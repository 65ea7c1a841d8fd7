import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { composeHub, type Hub } from '../bin/compose.js';
import { issueApiKey, upsertAgency } from '../db/agencies.js';
import { createDb, migrateToLatest } from '../db/connection.js';
import type { Agency } from '../schemas/agency.js';
import { type Config, ConfigSchema, parseConfig } from '../schemas/config.js';
import { agencyGrant, deleteAmqpUser, management, provisionAmqpUser, vhostOf } from '../workers/provision.js';

export const REGION = '510104';
export const ENFORCEMENT = 'bench-enf';
export const POLICE = 'bench-police';
export const PROCURATORATE = 'bench-proc';

/** One region with what a criminal transfer needs: the referring agency, the police and the 抄送 copy. */
const AGENCIES: Agency[] = [
  {
    code: ENFORCEMENT,
    name: '基准市场监督管理局',
    kind: 'enforcement',
    region: REGION,
    parent: null,
    delivery: 'http',
  },
  { code: POLICE, name: '基准公安局', kind: 'police', region: REGION, parent: null, delivery: 'amqp' },
  {
    code: PROCURATORATE,
    name: '基准人民检察院',
    kind: 'procuratorate',
    region: REGION,
    parent: null,
    delivery: 'amqp',
  },
];

export type AmqpUser = { user: string; password: string };

export type BenchEnv = {
  hub: Hub;
  config: Config;
  baseUrl: string;
  prefix: string;
  enforcementKey: string;
  amqpUsers: Record<string, AmqpUser>;
  teardown(): Promise<void>;
};

export type Services = { databaseUrl: string; amqpUrl: string; managementUrl: string };

export function readServices(env: NodeJS.ProcessEnv): Services {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    managementUrl: env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672',
  };
}

/**
 * A fresh database and AMQP prefix, the three agencies with their keys and RabbitMQ users, and the hub
 * listening on an ephemeral port. Hub settings (RELAY_*, DB_POOL_SIZE, …) pass through from the environment
 * so that a tuning experiment needs no code change. `teardown` leaves nothing behind unless `keep`.
 */
export async function createBenchEnv(
  services: Services,
  env: NodeJS.ProcessEnv,
  keep: boolean,
): Promise<BenchEnv> {
  const id = randomBytes(4).toString('hex');
  const dbName = `hub_bench_${id}`;
  const prefix = `bench${id}.`;
  const databaseUrl = withDatabase(services.databaseUrl, dbName);
  const amqpUsers: Record<string, AmqpUser> = {};
  let hub: Hub | undefined;
  const teardown = async () => {
    await hub?.stop().catch((error) => console.error('hub stop failed:', error));
    await cleanBroker(
      services.managementUrl,
      prefix,
      Object.values(amqpUsers).map((u) => u.user),
    ).catch((error) => console.error('broker clean-up failed:', error));
    if (keep) console.error(`kept database ${dbName}`);
    else await adminQuery(services.databaseUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  };
  try {
    await adminQuery(services.databaseUrl, `CREATE DATABASE ${dbName}`);
    const passThrough = Object.fromEntries(Object.keys(ConfigSchema.shape).map((k) => [k, env[k]]));
    const parsed = parseConfig({
      ...passThrough,
      DATABASE_URL: databaseUrl,
      AMQP_URL: services.amqpUrl,
      RABBITMQ_MANAGEMENT_URL: services.managementUrl,
      AMQP_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
    });
    if (!parsed.ok) throw new Error(parsed.message);
    const config = parsed.value;
    const enforcementKey = await seedAgencies(config, amqpUsers);
    hub = await composeHub(config);
    await hub.app.listen({ host: '127.0.0.1', port: 0 });
    const address = hub.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the gateway has no TCP address');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    return { hub, config, baseUrl, prefix, enforcementKey, amqpUsers, teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** Migrates, upserts the agencies with RabbitMQ users for the AMQP ones; returns the enforcement key. */
async function seedAgencies(config: Config, amqpUsers: Record<string, AmqpUser>): Promise<string> {
  const db = createDb(config.DATABASE_URL, 2);
  try {
    await migrateToLatest(db);
    for (const agency of AGENCIES) {
      let user: string | null = null;
      if (agency.delivery === 'amqp') {
        const grant = await provisionAmqpUser(
          config.RABBITMQ_MANAGEMENT_URL,
          agencyGrant(config.AMQP_PREFIX, agency.code, vhostOf(config.AMQP_URL)),
        );
        amqpUsers[agency.code] = { user: grant.user, password: grant.password };
        user = grant.user;
      }
      await upsertAgency(db, agency, user);
    }
    return (await issueApiKey(db, ENFORCEMENT)).key;
  } finally {
    await db.destroy();
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(databaseUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Deletes every queue and exchange under the prefix and the agency users (as the tests' cleanBroker). */
async function cleanBroker(managementUrl: string, prefix: string, users: string[]): Promise<void> {
  for (const kind of ['queues', 'exchanges'] as const) {
    const items = (await management(managementUrl, 'GET', `/api/${kind}?columns=name,vhost`)) as {
      name: string;
      vhost: string;
    }[];
    for (const item of items.filter((i) => i.name.startsWith(prefix))) {
      const path = `/api/${kind}/${encodeURIComponent(item.vhost)}/${encodeURIComponent(item.name)}`;
      await management(managementUrl, 'DELETE', path, undefined, [404]);
    }
  }
  for (const user of users) await deleteAmqpUser(managementUrl, user);
}
