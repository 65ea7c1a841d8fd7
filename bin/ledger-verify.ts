import type { Command } from 'commander';
import type { FoundBreak } from '../db/integrity.js';
import { sweepChunk } from '../db/integrity.js';
import { verifyChain } from '../db/ledger.js';
import { progressBar } from './progress-bar.js';
import { type CliDb, withDb } from './with-db.js';

const CHUNK = 500;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const breakText = (b: { seq: number; reason: string }) => `seq ${b.seq} ${b.reason}`;

/** One referral's chain: exit 0 intact, 1 broken, 2 no such referral. */
async function verifyOne(db: CliDb, id: string): Promise<number> {
  const check = /^[0-9a-f-]{36}$/i.test(id) ? await verifyChain(db, id) : undefined;
  if (!check) {
    console.error(`no such referral: ${id}`);
    return 2;
  }
  if (check.valid) {
    console.log(`referral ${id}: chain intact (${check.events} events, head ${check.head})`);
    return 0;
  }
  console.log(
    `referral ${id}: chain BROKEN (${check.events} events): ${check.breaks.map(breakText).join('; ')}`,
  );
  return 1;
}

/**
 * Every chain, in chunks of referrals by id (the integrity sweep's read, recording nothing): a progress
 * bar on stderr, each broken chain and a summary on stdout; exit 1 when any chain is broken.
 */
async function verifyAll(db: CliDb): Promise<number> {
  const started = Date.now();
  const { total } = await db
    .selectFrom('referrals')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const bar = progressBar();
  const broken = new Map<string, FoundBreak[]>();
  let checked = 0;
  let after = NIL_UUID;
  for (;;) {
    const chunk = await sweepChunk(db, after, CHUNK);
    if (chunk.lastId === null) break;
    for (const b of chunk.breaks) broken.set(b.referralId, [...(broken.get(b.referralId) ?? []), b]);
    checked += chunk.checked;
    after = chunk.lastId;
    bar.update(checked, Number(total), `${checked}/${total} chains, ${broken.size} broken`);
  }
  bar.finish();
  for (const [id, breaks] of broken) {
    console.log(`BROKEN ${id} (region ${breaks[0]?.region}): ${breaks.map(breakText).join('; ')}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `verified ${checked} chains in ${seconds} s: ${checked - broken.size} intact, ${broken.size} broken`,
  );
  return broken.size > 0 ? 1 : 0;
}

export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('the hash-chained ledger');
  ledger
    .command('verify [referralId]')
    .description("recompute a referral's hash chain, or every chain with --all (exit 1 if any is broken)")
    .option('--all', 'every referral, with a progress bar and a summary')
    .action(async (id: string | undefined, opts: { all?: boolean }) => {
      if (Boolean(id) === Boolean(opts.all)) {
        console.error('name one referral id, or --all');
        process.exitCode = 2;
        return;
      }
      process.exitCode = await withDb((db) => (opts.all ? verifyAll(db) : verifyOne(db, id as string)));
    });
}
