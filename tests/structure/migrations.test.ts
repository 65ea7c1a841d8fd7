import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AGENCY_KINDS } from '../../schemas/agency.js';
import { STATES } from '../../schemas/lifecycle.js';
import { adminQuery, withDatabase } from '../setup/services.js';

const services = inject('services');
const name = `hub_test_schema_${randomBytes(4).toString('hex')}`;
let client: pg.Client;

beforeAll(async () => {
  await adminQuery(services.databaseUrl, `CREATE DATABASE ${name} TEMPLATE ${services.templateDb}`);
  client = new pg.Client({ connectionString: withDatabase(services.databaseUrl, name) });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await adminQuery(services.databaseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

async function checkValues(table: string, column: string): Promise<string[]> {
  const { rows } = await client.query<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'`,
    [table],
  );
  const def = rows.map((r) => r.def).find((d) => d.includes(`(${column} =`) || d.includes(`${column} = ANY`));
  return [...(def ?? '').matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1] ?? '').sort();
}

describe('the database schema', () => {
  it('allows exactly the lifecycle states and the agency kinds', async () => {
    expect(await checkValues('referrals', 'state')).toEqual([...STATES].sort());
    expect(await checkValues('agencies', 'kind')).toEqual([...AGENCY_KINDS].sort());
  });

  it('matches the snapshot, so that every schema change is a visible diff', async () => {
    const columns = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%' ORDER BY table_name, ordinal_position`,
    );
    const triggers = await client.query(
      `SELECT DISTINCT event_object_table, trigger_name FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY 1, 2`,
    );
    const indexes = await client.query(
      `SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
    );
    expect({
      columns: columns.rows.map(
        (r) => `${r.table_name}.${r.column_name} ${r.data_type}${r.is_nullable === 'NO' ? ' not null' : ''}`,
      ),
      triggers: triggers.rows.map((r) => `${r.event_object_table}: ${r.trigger_name}`),
      indexes: indexes.rows.map((r) => `${r.tablename}: ${r.indexname}`),
    }).toMatchSnapshot();
  });
});
