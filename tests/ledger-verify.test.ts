import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criminalTransfer } from './helpers/fixtures.js';
import { runHubCli } from './helpers/hub-cli.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

let hub: TestHub;
const ids: string[] = [];
beforeAll(async () => {
  hub = await createTestHub();
  for (const recipient of ['pol-a', 'pol-b', 'pol-a']) {
    ids.push((await hub.request('enf-a', 'POST', '/v1/referrals', criminalTransfer({ recipient }))).body.id);
  }
  await hub.request('pol-a', 'POST', `/v1/referrals/${ids[0]}/actions`, { action: 'receipt' });
});
afterAll(async () => {
  await hub?.close();
});

/** `hub ledger verify …` as an operator runs it, on this file's database. */
const cli = (...args: string[]) => runHubCli(hub, 'ledger', 'verify', ...args);

describe('hub ledger verify', () => {
  it('says an intact chain is intact, with its events and head, and exits 0', async () => {
    const run = await cli(ids[0] ?? '');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^referral ${ids[0]}: chain intact \\(2 events, head [0-9a-f]{64}\\)`),
    );
  });

  it('checks every chain with --all: a progress bar on stderr, a summary, exit 0', async () => {
    const run = await cli('--all');
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('100%');
    expect(run.stderr).toContain('3/3 chains');
    expect(run.stdout).toMatch(/^verified 3 chains in [\d.]+ s: 3 intact, 0 broken\n$/);
  });

  it('finds an event rewritten behind the hub’s back, in one chain and in --all, and exits 1', async () => {
    await sql`ALTER TABLE ledger_events DISABLE TRIGGER ledger_events_append_only`.execute(hub.db);
    await sql`UPDATE ledger_events SET payload = payload || '{"note":"改过"}'::jsonb
      WHERE referral_id = ${ids[1]} AND seq = 1`.execute(hub.db);
    await sql`ALTER TABLE ledger_events ENABLE TRIGGER ledger_events_append_only`.execute(hub.db);

    const one = await cli(ids[1] ?? '');
    expect(one.status).toBe(1);
    expect(one.stdout).toContain(`referral ${ids[1]}: chain BROKEN (1 events): seq 1 hash_mismatch`);
    const all = await cli('--all');
    expect(all.status).toBe(1);
    expect(all.stdout).toContain(`BROKEN ${ids[1]} (region 110101): seq 1 hash_mismatch`);
    expect(all.stdout).toMatch(/verified 3 chains in [\d.]+ s: 2 intact, 1 broken\n$/);
    // The others are still intact one by one.
    expect((await cli(ids[2] ?? '')).status).toBe(0);
  });

  it('exits 2 for an unknown referral or when given neither an id nor --all', async () => {
    const unknown = await cli('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no such referral');
    const neither = await cli();
    expect(neither.status).toBe(2);
    expect(neither.stderr).toContain('--all');
  });
});
