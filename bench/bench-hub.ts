import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { composeHub, type Hub } from '../bin/compose.js';
import { issueApiKey, upsertAgency } from '../db/agencies.js';
import { adminQuery, createDb, type Db, migrateToLatest, withDatabase } from '../db/connection.js';
import { createLogger } from '../runtime/logger.js';
import { type Config, parseConfig } from '../schemas/config.js';
import { agencyGrant, deleteAmqpUser, management, provisionAmqpUser, vhostOf } from '../workers/provision.js';

export const REGION = '510104';

export type BenchHub = {
  hub: Hub;
  baseUrl: string;
  key: string;
  amqpUrl: string;
  prefix: string;
  users: Record<'police' | 'proc' | 'enf', { user: string; password: string }>;
  databaseUrl: string;
  close(): Promise<void>;
};

export type BenchSetup = {
  config: Config;
  db: Db;
  key: string;
  amqpUrl: string;
  prefix: string;
  users: Record<'police' | 'proc' | 'enf', { user: string; password: string }>;
  /** Removes the broker names and users and (unless `--keep`) drops the database. */
  remove(): Promise<void>;
  /** Removes everything, `--keep` or not, and never throws (a failed start). */
  discard(): Promise<void>;
};

/** Where the bench finds its services (default: DATABASE_URL, AMQP_URL, RABBITMQ_MANAGEMENT_URL, then local). */
export type BenchServices = { databaseUrl?: string; amqpUrl?: string; managementUrl?: string; id?: string };

/**
 * A fresh migrated database and RabbitMQ names of its own, with a referring agency, a police agency and a
 * procuratorate that have RabbitMQ users, and an API key of the referring agency; no hub yet.
 */
export async function provisionBench(
  env: Record<string, string | undefined> = {},
  services: BenchServices = {},
): Promise<BenchSetup> {
  const base =
    services.databaseUrl ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const amqpUrl = services.amqpUrl ?? process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const mgmt =
    services.managementUrl ?? process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';
  const id = services.id ?? randomBytes(4).toString('hex');
  if (!/^[a-z0-9_]+$/.test(id)) throw new Error(`a bench id is lower-case letters, digits and _ (got ${id})`);
  const dbName = `hub_bench_${id}`;
  const prefix = `bench${id}.`;
  await adminQuery(base, `CREATE DATABASE ${dbName}`);
  /** The users asked for, named before they are made: a user made but not granted is removed too. */
  const granted: string[] = [];
  let db: Db | undefined;
  /** Each part is removed even when another part's removal fails; what failed is thrown after, together. */
  const remove = async (keep: boolean) => {
    const failures: Error[] = [];
    const attempt = (step: () => Promise<unknown>) =>
      step().catch((error: unknown) => {
        failures.push(error instanceof Error ? error : new Error(String(error)));
      });
    await attempt(async () => db?.destroy());
    await removeBrokerNames(mgmt, prefix, granted, attempt);
    if (!keep) await attempt(() => adminQuery(base, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
    if (failures.length > 0)
      throw new AggregateError(failures, [...new Set(failures.map((f) => f.message))].join('; '));
  };
  /** After a failed setup: everything goes (--keep is for finished runs); what could not be removed is said. */
  const discard = () =>
    remove(false).catch((error: Error) =>
      console.error(`the bench could not check or remove all of ${dbName} and ${prefix}*: ${error.message}`),
    );
  try {
    const parsed = parseConfig({
      DATABASE_URL: withDatabase(base, dbName),
      AMQP_URL: amqpUrl,
      RABBITMQ_MANAGEMENT_URL: mgmt,
      AMQP_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      DB_POOL_SIZE: process.env.DB_POOL_SIZE,
      HUB_SIGNING_ALG: process.env.HUB_SIGNING_ALG,
      // The bench measures the pipeline's capacity, not the per-key limit an operator sets for a region:
      // at the default (1000/s) a fast machine spends its time answering 429s.
      RATE_LIMIT_PER_SECOND: process.env.RATE_LIMIT_PER_SECOND ?? '1000000',
      COMMAND_BATCHES_IN_FLIGHT: process.env.COMMAND_BATCHES_IN_FLIGHT,
      COMMAND_BATCH_MAX: process.env.COMMAND_BATCH_MAX,
      RELAY_LINGER_MS: process.env.RELAY_LINGER_MS,
      RELAY_LANES: process.env.RELAY_LANES,
      SIGNATURE_VERIFY_THREADS: process.env.SIGNATURE_VERIFY_THREADS,
      ...env,
    });
    if (!parsed.ok) throw new Error(parsed.message);
    const config = parsed.value;
    db = createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
    await migrateToLatest(db);
    const grant = (code: string) => {
      const asked = agencyGrant(prefix, code, vhostOf(amqpUrl));
      granted.push(asked.user);
      return provisionAmqpUser(mgmt, asked);
    };
    const users = {
      police: await grant('bench-police'),
      proc: await grant('bench-proc'),
      enf: await grant('bench-enf'),
    };
    const agency = (code: string, name: string, kind: 'enforcement' | 'police' | 'procuratorate') => ({
      code,
      name,
      kind,
      region: REGION,
      parent: null,
      delivery: 'amqp' as const,
    });
    await upsertAgency(db, agency('bench-enf', '基准市场监管局', 'enforcement'), users.enf.user);
    await upsertAgency(db, agency('bench-police', '基准公安局', 'police'), users.police.user);
    await upsertAgency(db, agency('bench-proc', '基准人民检察院', 'procuratorate'), users.proc.user);
    const key = (await issueApiKey(db, 'bench-enf')).key;
    return {
      config,
      db,
      key,
      amqpUrl,
      prefix,
      users,
      remove: () => remove(process.argv.includes('--keep')),
      discard,
    };
  } catch (error) {
    // A setup that fails half-way (RabbitMQ's management API down, say) leaves no database or user behind.
    await discard();
    throw error;
  }
}

/**
 * A hub (gateway and workers in one process, as `npm start` runs it) on a fresh database and RabbitMQ names
 * of its own, with a referring agency, a police agency and a procuratorate that have RabbitMQ users.
 */
export async function startBenchHub(env: Record<string, string | undefined> = {}): Promise<BenchHub> {
  const setup = await provisionBench(env);
  const { config, db } = setup;
  let hub: Hub | undefined;
  try {
    hub = await composeHub(config, { db, log: createLogger('silent') });
    await hub.app.listen({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    await hub?.stop().catch(() => {});
    await setup.discard();
    throw error;
  }
  const address = hub.app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    hub,
    baseUrl,
    key: setup.key,
    amqpUrl: setup.amqpUrl,
    prefix: setup.prefix,
    users: setup.users,
    databaseUrl: config.DATABASE_URL,
    async close() {
      try {
        await hub.stop();
      } finally {
        await setup.remove();
      }
    },
  };
}

async function removeBrokerNames(
  mgmt: string,
  prefix: string,
  users: string[],
  attempt: (step: () => Promise<unknown>) => Promise<unknown>,
): Promise<void> {
  for (const kind of ['queues', 'exchanges'] as const) {
    let found: { name: string; vhost: string }[] = [];
    await attempt(async () => {
      found = (await management(mgmt, 'GET', `/api/${kind}?columns=name,vhost`)) as typeof found;
    });
    for (const q of found.filter((q) => q.name.startsWith(prefix))) {
      const path = `/api/${kind}/${encodeURIComponent(q.vhost)}/${encodeURIComponent(q.name)}`;
      await attempt(() => management(mgmt, 'DELETE', path, undefined, [404]));
    }
  }
  for (const u of users) await attempt(() => deleteAmqpUser(mgmt, u));
}

/** Ends a child of the bench (SIGTERM, SIGKILL after `graceMs`); nothing to do when it has ended. */
export async function stopChild(child: ChildProcess | undefined, graceMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
