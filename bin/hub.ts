#!/usr/bin/env -S npx tsx
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { issueApiKey, revokeApiKey, upsertAgency } from '../db/agencies.js';
import { createDb, ensureDatabase, migrateToLatest } from '../db/connection.js';
import { loadConfigOrExit } from '../db/load-config.js';
import { loadRegion } from '../db/region-file.js';
import { AgencySchema } from '../schemas/agency.js';
import { agencyGrant, provisionAmqpUser, vhostOf } from '../workers/provision.js';
import { composeHub } from './compose.js';
import { printSeeded, seedDemoIfEmpty } from './seed.js';

const program = new Command('hub').description('referral hub (两法衔接) operations');

async function withDb<T>(fn: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit();
  const db = createDb(config.DATABASE_URL, 2);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

program
  .command('migrate')
  .description('create the database if needed and apply every migration')
  .action(async () => {
    const config = loadConfigOrExit();
    if (await ensureDatabase(config.DATABASE_URL)) console.log('database created');
    const applied = await withDb(migrateToLatest);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  });

program
  .command('start')
  .description('migrate, seed the demo region when empty, run the gateway and the workers')
  .action(async () => {
    const config = loadConfigOrExit();
    await ensureDatabase(config.DATABASE_URL);
    await withDb(async (db) => {
      await migrateToLatest(db);
      printSeeded(await seedDemoIfEmpty(db, config));
    });
    const hub = await composeHub(config);
    await hub.app.listen({ host: config.HOST, port: config.PORT });
    console.log(`referral hub listening on http://${config.HOST}:${config.PORT} (OpenAPI: /docs/json)`);
    const shutdown = async () => {
      await hub.stop();
      process.exit(0);
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });

const agency = program.command('agency').description('the agency directory');
agency
  .command('add')
  .requiredOption('--code <code>')
  .requiredOption('--name <name>')
  .requiredOption('--kind <kind>')
  .requiredOption('--region <region>')
  .option('--parent <code>')
  .option('--delivery <channel>', 'amqp or http', 'amqp')
  .action(async (opts) => {
    const parsed = AgencySchema.safeParse({ ...opts, parent: opts.parent ?? null });
    if (!parsed.success) {
      console.error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
      process.exit(2);
    }
    await withDb((db) => upsertAgency(db, parsed.data));
    console.log(`agency ${parsed.data.code} saved`);
  });

const region = program.command('region').description('regions and their settings');
region
  .command('load <file>')
  .description(
    'add or update a region and its agencies from a JSON file ({region, justiceCopy?, agencies: [...]})',
  )
  .action(async (file: string) => {
    const input = JSON.parse(await readFile(file, 'utf8'));
    const result = await withDb((db) => loadRegion(db, input));
    if (!result.ok) {
      console.error(`not loaded:\n  ${result.issues.join('\n  ')}`);
      process.exit(2);
    }
    console.log(`region loaded: ${result.agencies} agencies`);
  });

const key = program.command('key').description('agency API keys');
key
  .command('issue <agency>')
  .description('issue a new API key (shown once)')
  .action(async (code: string) => {
    const issued = await withDb((db) => issueApiKey(db, code));
    console.log(`key id ${issued.id}\n${issued.key}`);
  });
key.command('revoke <keyId>').action(async (id: string) => {
  const done = await withDb((db) => revokeApiKey(db, id));
  console.log(done ? 'revoked' : 'no such active key');
  if (!done) process.exitCode = 1;
});

program
  .command('amqp-provision <agency>')
  .description('create the agency RabbitMQ user (publish to hub.commands, read its own inbox) and map it')
  .action(async (code: string) => {
    const config = loadConfigOrExit();
    await withDb(async (db) => {
      const row = await db
        .selectFrom('agencies')
        .selectAll()
        .where('code', '=', code)
        .executeTakeFirstOrThrow();
      const grant = await provisionAmqpUser(
        config.RABBITMQ_MANAGEMENT_URL,
        agencyGrant(config.AMQP_PREFIX, code, vhostOf(config.AMQP_URL)),
      );
      await db.updateTable('agencies').set({ amqp_user: grant.user }).where('code', '=', row.code).execute();
      console.log(`user=${grant.user} password=${grant.password}`);
    });
  });

await program.parseAsync(process.argv);
