#!/usr/bin/env -S npx tsx
import amqp from 'amqplib';
import { Command } from 'commander';
import { SM2_VERIFIER_LOG } from '../crypto/signatures.js';
import {
  agencyExists,
  issueApiKey,
  listApiKeys,
  revokeApiKey,
  rotateApiKeys,
  setAmqpUser,
  upsertAgency,
} from '../db/agencies.js';
import { ensureDatabase, migrateToLatest } from '../db/connection.js';
import { AgencyDirectory } from '../db/directory.js';
import { countProvisionalDuties } from '../db/duties.js';
import { loadRegion } from '../db/region-file.js';
import { RegionPolicy } from '../db/region-policy.js';
import { listOverrides, loadCalendarYear, setOverride } from '../db/region-settings.js';
import { createCommandPath } from '../runtime/commands.js';
import { exitOnSignal, once } from '../runtime/exit-on-signal.js';
import { listenOrExit } from '../runtime/listen.js';
import { checkSigningKeyOrExit, loadConfigOrExit } from '../runtime/load-config.js';
import { createLogger } from '../runtime/logger.js';
import { createMetrics } from '../runtime/metrics.js';
import { AgencySchema, RegionCodeSchema } from '../schemas/agency.js';
import { HolidayYearSchema } from '../schemas/calendar.js';
import { DEADLINE_RULES, RULES_BY_ID, RuleOverrideSchema } from '../schemas/deadlines.js';
import { listDeadLetters, replayDeadLetters } from '../workers/dlq.js';
import { agencyGrant, firstUrl, provisionAmqpUser, vhostOf } from '../workers/provision.js';
import { calendarStatus } from './calendar-status.js';
import { composeHub, type Hub } from './compose.js';
import { registerLedgerCommands } from './ledger-verify.js';
import { registerReportCommands } from './report-commands.js';
import { printSeeded, seedDemoIfEmpty } from './seed.js';
import { setupProblem } from './setup-problem.js';
import { registerSigningCommands } from './signing-cli.js';
import { readUserJson } from './user-files.js';
import { withDb } from './with-db.js';

const program = new Command('hub').description('referral hub (两法衔接) operations');

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
    const log = createLogger(config.LOG_LEVEL);
    checkSigningKeyOrExit(config);
    let hub: Hub | undefined;
    const stop = once(async () => {
      await hub?.stop();
      console.log('referral hub stopped');
    });
    // Before the first await, so that a signal during migration or seeding stops the process too (until
    // the hub exists there is nothing to finish).
    exitOnSignal({ log, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, stop });
    await ensureDatabase(config.DATABASE_URL);
    await withDb(async (db) => {
      await migrateToLatest(db);
      printSeeded(await seedDemoIfEmpty(db, config));
    });
    const started = await composeHub(config, { log });
    hub = started;
    await listenOrExit(
      () => started.app.listen({ host: config.HOST, port: config.PORT }),
      { host: config.HOST, port: config.PORT, setting: 'PORT' },
      stop,
      config.SHUTDOWN_TIMEOUT_MS,
    );
    console.log(
      `referral hub listening on http://${config.HOST}:${config.PORT} (OpenAPI: /docs/json; SM2 verified by ${SM2_VERIFIER_LOG.sm2Verifier}${SM2_VERIFIER_LOG.sm2_z256 ? `: sm2_z256 ${SM2_VERIFIER_LOG.sm2_z256}` : ''})`,
    );
  });

program
  .command('seed-demo')
  .description(
    'migrate, and seed the demo region when the directory is empty (its keys printed once); then exit',
  )
  .action(async () => {
    const config = loadConfigOrExit();
    await ensureDatabase(config.DATABASE_URL);
    const seeded = await withDb(async (db) => {
      await migrateToLatest(db);
      return seedDemoIfEmpty(db, config);
    });
    if (seeded.length === 0) console.log('the directory holds agencies already: nothing seeded');
    printSeeded(seeded);
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
    const input = await readUserJson(file);
    const result = await withDb((db) => loadRegion(db, input));
    if (!result.ok) {
      console.error(`not loaded:\n  ${result.issues.join('\n  ')}`);
      process.exit(2);
    }
    console.log(`region loaded: ${result.agencies} agencies`);
  });

const deadline = program.command('deadline').description("legal deadline rules and a region's overrides");
deadline
  .command('list')
  .option('--region <region>', 'show the rules as this region applies them')
  .action(async (opts: { region?: string }) => {
    await withDb(async (db) => {
      const overrides = opts.region ? await listOverrides(db, opts.region) : [];
      for (const rule of DEADLINE_RULES) {
        const o = overrides.find((x) => x.ruleId === rule.id);
        const period = o ? `${o.amount} ${o.unit} (override)` : `${rule.amount} ${rule.unit}`;
        console.log(`${rule.id.padEnd(32)} ${period.padEnd(28)} ${rule.source}`);
      }
    });
  });
deadline
  .command('set')
  .description('override a rule for a region (takes effect within seconds, no deploy)')
  .requiredOption('--region <region>')
  .requiredOption('--rule <rule>')
  .requiredOption('--amount <n>')
  .requiredOption('--unit <unit>', 'hour, calendar_day, working_day or month')
  .option('--lead <fraction>', 'warn when this share of the period is left, e.g. 0.25')
  .action(async (opts: { region: string; rule: string; amount: string; unit: string; lead?: string }) => {
    const parsed = RuleOverrideSchema.safeParse({
      amount: Number(opts.amount),
      unit: opts.unit,
      ...(opts.lead === undefined ? {} : { leadFraction: Number(opts.lead) }),
    });
    const region = RegionCodeSchema.safeParse(opts.region);
    if (!parsed.success || !region.success || !RULES_BY_ID.has(opts.rule)) {
      console.error(
        `invalid override: rule must be one of ${[...RULES_BY_ID.keys()].join(', ')}; region six digits; amount a positive integer; unit hour|calendar_day|working_day|month`,
      );
      process.exit(2);
    }
    await withDb((db) => setOverride(db, region.data, opts.rule, parsed.data));
    console.log(`${opts.rule} in ${region.data}: ${parsed.data.amount} ${parsed.data.unit}`);
  });

program
  .command('calendar-load <file>')
  .description(
    'load a year of the holiday calendar ({year, source, holidays, workdays}) for years not shipped',
  )
  .action(async (file: string) => {
    const parsed = HolidayYearSchema.safeParse(await readUserJson(file));
    if (!parsed.success) {
      console.error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
      process.exit(2);
    }
    const year = parsed.data;
    const provisional = await withDb(async (db) => {
      await loadCalendarYear(db, year);
      return countProvisionalDuties(db);
    });
    console.log(
      `calendar ${year.year} loaded: ${year.holidays.length} holidays, ${year.workdays.length} make-up days; ` +
        `the workers recount ${provisional} provisional due time(s) within a poll`,
    );
  });

program
  .command('calendar')
  .description('the holiday calendar')
  .command('status')
  .description(
    'each year to the latest an owed duty reaches: official, provisional (file), provisional (synthesised) or no data',
  )
  .action(async () => {
    for (const line of await withDb((db) => calendarStatus(db, new Date()))) console.log(line);
  });

const dlq = program.command('dlq').description('the dead-letter queue');
dlq
  .command('list')
  .option('--limit <n>', 'at most this many', '100')
  .action(async (opts: { limit: string }) => {
    const config = loadConfigOrExit();
    const connection = await amqp.connect(firstUrl(config.AMQP_URL));
    const { letters, total } = await withDb((db) =>
      listDeadLetters(
        connection,
        { db, directory: new AgencyDirectory(db), prefix: config.AMQP_PREFIX },
        Number(opts.limit),
      ),
    );
    await connection.close();
    for (const l of letters)
      console.log(
        [
          l.messageId,
          l.type ?? '-',
          l.code ?? '-',
          l.sender ?? '-',
          l.deadLetteredAt ?? '-',
          l.reason ?? '',
        ].join('\t'),
      );
    console.log(
      total > letters.length
        ? `${letters.length} of ${total} dead letters shown (--limit ${total} shows them all)`
        : `${letters.length} dead letter(s)`,
    );
  });
dlq
  .command('replay')
  .description('apply dead letters again through the command path, checking each referral state first')
  .option('--id <messageId>', 'only this message')
  .option('--all', 'every message in the queue')
  .option('--rate <perSecond>', 'at most this many per second', '10')
  .action(async (opts: { id?: string; all?: boolean; rate: string }) => {
    if (!opts.id && !opts.all) {
      console.error('say which: --id <messageId> or --all');
      process.exit(2);
    }
    const config = loadConfigOrExit();
    const connection = await amqp.connect(firstUrl(config.AMQP_URL));
    await withDb(async (db) => {
      const directory = new AgencyDirectory(db);
      const commands = createCommandPath({
        db,
        directory,
        policy: new RegionPolicy(db),
        clock: () => new Date(),
        metrics: createMetrics(),
      });
      const deps = { db, directory, commands, prefix: config.AMQP_PREFIX };
      const outcomes = await replayDeadLetters(connection, deps, {
        ...(opts.id ? { messageId: opts.id } : {}),
        perSecond: Math.max(0.1, Number(opts.rate)),
        onProgress: (done, o) =>
          console.log(`[${done}] ${o.messageId} ${o.outcome}${o.detail ? `: ${o.detail}` : ''}`),
      });
      await commands.close();
      const count = (k: string) => outcomes.filter((o) => o.outcome === k).length;
      console.log(
        `replayed ${count('applied')}, already applied ${count('duplicate')}, conflicts ${count('conflict')}, unreplayable ${count('unreplayable')}`,
      );
    });
    await connection.close();
  });

registerReportCommands(program);
registerLedgerCommands(program);

const key = program.command('key').description('agency API keys');
key
  .command('issue <agency>')
  .description('issue a new API key (shown once)')
  .action(async (code: string) => {
    const issued = await withDb((db) => issueApiKey(db, code));
    console.log(`key id ${issued.id}\n${issued.key}`);
  });
key
  .command('rotate <agency>')
  .description('issue a new key (shown once); the old ones stop working after the grace period')
  .option('--grace <seconds>', 'how long the old keys keep working', '86400')
  .action(async (code: string, opts: { grace: string }) => {
    const grace = Number(opts.grace);
    if (!Number.isInteger(grace) || grace < 0) {
      console.error('--grace must be a whole number of seconds');
      process.exit(2);
    }
    const rotated = await withDb((db) => rotateApiKeys(db, code, grace));
    console.log(
      `key id ${rotated.id}; ${rotated.retiring} old key(s) stop working in ${grace} s\n${rotated.key}`,
    );
  });
key
  .command('list <agency>')
  .description("the agency's API keys: id, first characters, issued, and whether each still works")
  .action(async (code: string) => {
    const found = await withDb(async (db) =>
      (await agencyExists(db, code)) ? listApiKeys(db, code) : undefined,
    );
    if (!found) {
      console.error(`no agency ${code}`);
      process.exit(2);
    }
    if (found.length === 0) console.log(`${code} has no API keys (issue one: hub key issue ${code})`);
    const now = Date.now();
    for (const k of found) {
      const status =
        k.revokedAt === null
          ? 'active'
          : k.revokedAt.getTime() > now
            ? `retiring ${k.revokedAt.toISOString()}`
            : `revoked ${k.revokedAt.toISOString()}`;
      console.log(`${k.id}  ${k.prefix}…  issued ${k.createdAt.toISOString()}  ${status}`);
    }
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
      if (!(await agencyExists(db, code))) {
        console.error(`no such agency: ${code}`);
        process.exit(2);
      }
      const grant = await provisionAmqpUser(
        config.RABBITMQ_MANAGEMENT_URL,
        agencyGrant(config.AMQP_PREFIX, code, vhostOf(config.AMQP_URL)),
      );
      await setAmqpUser(db, code, grant.user);
      console.log(`user=${grant.user} password=${grant.password}`);
    });
  });

registerSigningCommands(program, agency, region, withDb);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const problem = setupProblem(error);
  if (!problem) throw error;
  console.error(problem);
  process.exit(2);
}
