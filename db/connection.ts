import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './types.js';

// int8 (bigserial ids, counts) as strings is pg's safe default; timestamps stay Date.
export type Db = Kysely<Database>;

const pools = new WeakMap<Db, { pool: pg.Pool; hot: pg.Pool }>();

/** At most this many connections run the command path's named statements (batches in flight, and retries). */
const HOT_POOL_SIZE = 4;

export function createDb(databaseUrl: string, poolSize = 20): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5000 });
  // The command path's two named statements (the batch load and write) run on connections of their own with
  // generic plans: left to choose, PostgreSQL plans them anew at every execution because each batch's arrays
  // differ in length, and planning the six-part load cost more than running it (issue 11: 0.2 ms of
  // PostgreSQL CPU per referral). Not on the main pool: the setting applies to every parameterized statement
  // of the extended protocol, kysely's unnamed ones included, and a generic plan for a region's backlog read
  // 25,000 rows where the custom plan reads 150 (0.4 s against 3 ms at a million referrals).
  const hot = new pg.Pool({
    connectionString: databaseUrl,
    max: HOT_POOL_SIZE,
    connectionTimeoutMillis: 5000,
    options: '-c plan_cache_mode=force_generic_plan',
  });
  // A client losing its server (restart, admin shutdown) must not crash the process: the query in flight
  // fails (the gateway answers 503, the workers retry) and the pool replaces the client.
  for (const p of [pool, hot]) {
    p.on('error', () => {});
    p.on('connect', (client) => client.on('error', () => {}));
  }
  const both = {
    connect: () => pool.connect(),
    end: async () => {
      await Promise.all([pool.end(), hot.end()]);
    },
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: both }) });
  pools.set(db, { pool, hot });
  return db;
}

/** The pool under a Kysely instance, for the hot statements that run as named prepared statements. */
export function poolOf(db: Db): pg.Pool {
  return poolsOf(db).pool;
}

function poolsOf(db: Db): { pool: pg.Pool; hot: pg.Pool } {
  const found = pools.get(db);
  if (!found) throw new Error('this Kysely instance was not made by createDb');
  return found;
}

/**
 * A named prepared statement: PostgreSQL parses and plans it once per connection, not on every call
 * (kysely has no prepared statements; the command path's load and write use this, on their own pool).
 */
export async function prepared<R extends pg.QueryResultRow>(
  db: Db,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const result = await poolsOf(db).hot.query<R>({ name, text, values });
  return result.rows;
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Creates the database named in the URL when it does not exist (connecting to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** One statement (CREATE or DROP DATABASE) on the server's `postgres` database, on a connection of its own. */
export async function adminQuery(databaseUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Whether the database answers a trivial query within `timeoutMs` (readiness probes). */
export async function databaseAnswers(db: Db, timeoutMs = 2000): Promise<boolean> {
  const probe = poolOf(db)
    .query('SELECT 1')
    .then(() => true)
    .catch(() => false);
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  return Promise.race([probe, timeout]);
}
