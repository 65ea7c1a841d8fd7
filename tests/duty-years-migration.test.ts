import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as dutyYears from '../db/migrations/0011-duty-years.js';
import { loadCalendarYear } from '../db/region-settings.js';
import { DEADLINES_BY_HAND } from './helpers/clock.js';
import { dutyClue } from './helpers/fixtures.js';
import { createTestHub, type TestHub } from './helpers/test-hub.js';

// Thursday 2027-02-04 10:00 in Beijing, in a year without a notice.
const clock = () => new Date('2027-02-04T02:00:00Z');
let hub: TestHub;
beforeAll(async () => {
  hub = await createTestHub({ clock, env: DEADLINES_BY_HAND });
});
afterAll(async () => {
  await hub?.close();
});

async function receiptDuty(id: string) {
  const { rows } = await sql<{ provisional: boolean; provisional_years: number[] }>`
    SELECT provisional, provisional_years FROM duties WHERE referral_id = ${id}`.execute(hub.db);
  return rows[0];
}

describe('migration 0011 (the years a provisional due time rests on)', () => {
  it('marks a duty recorded before it over a year without a notice, so that the watcher recounts it', async () => {
    const id = (await hub.request('enf-a', 'POST', '/v1/referrals', dutyClue)).body.id as string;
    expect(await receiptDuty(id)).toEqual({ provisional: true, provisional_years: [2027] });

    // As recorded before: no years, and not marked provisional.
    await dutyYears.down(hub.db);
    await sql`UPDATE duties SET provisional = false WHERE referral_id = ${id}`.execute(hub.db);
    await dutyYears.up(hub.db);
    expect(await receiptDuty(id)).toEqual({ provisional: true, provisional_years: [2027] });

    // With the year's notice loaded before the migration runs, the due time rests on none.
    await dutyYears.down(hub.db);
    await loadCalendarYear(hub.db, {
      year: 2027,
      source: 'test notice',
      provisional: false,
      holidays: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'],
      workdays: [],
    });
    await dutyYears.up(hub.db);
    expect(await receiptDuty(id)).toEqual({ provisional: false, provisional_years: [] });
  });
});
