import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as leanRows from '../db/migrations/0014-lean-rows.js';
import { DEADLINES_BY_HAND } from './helpers/clock.js';
import { criminalTransfer } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub({ env: DEADLINES_BY_HAND });
});
afterAll(async () => {
  await hub?.close();
});

async function storedSubmission(id: string) {
  const { rows } = await sql<{ submission: Record<string, unknown> }>`
    SELECT submission FROM referrals WHERE id = ${id}`.execute(hub.db);
  return rows[0]?.submission;
}

describe('migration 0014 (lean rows)', () => {
  it('drops the submission only where the first ledger event holds it, and gives it back going down', async () => {
    const body = criminalTransfer({ approvedAt: new Date(Date.now() - 30 * 3600_000).toISOString() });
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', body)).body.id as string;

    // Going down, the submission is the first event's payload less the keys the hub added (late, duties).
    await leanRows.down(hub.db);
    expect(await storedSubmission(id)).toEqual(JSON.parse(JSON.stringify(body)));
    const { rows: duties } = await sql<{ title: string }>`
      SELECT title FROM duties WHERE referral_id = ${id}`.execute(hub.db);
    expect(duties.length).toBeGreaterThan(0);

    // A row that says more than its ledger stops the migration, and nothing is dropped.
    await sql`UPDATE referrals SET submission = submission || '{"note": "only here"}' WHERE id = ${id}`.execute(
      hub.db,
    );
    await expect(leanRows.up(hub.db)).rejects.toThrow(
      /keeps a submission its first ledger event does not hold/,
    );
    expect(await storedSubmission(id)).toMatchObject({ note: 'only here' });

    await sql`UPDATE referrals SET submission = submission - 'note' WHERE id = ${id}`.execute(hub.db);
    await leanRows.up(hub.db);
    const { rows: columns } = await sql<{ column_name: string }>`
      SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name IN ('referrals', 'duties')
        AND column_name IN ('submission', 'title', 'source')`.execute(hub.db);
    expect(columns).toEqual([]);
    const view = await hub.request('pol-a', 'GET', `/v1/referrals/${id}`);
    expect(view.body.submission).toEqual(JSON.parse(JSON.stringify(body)));
  });
});
