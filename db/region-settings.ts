import type { HolidayYear } from '../schemas/calendar.js';
import type { RuleOverride } from '../schemas/deadlines.js';
import type { Db } from './connection.js';

/**
 * The one writer of `deadline_overrides` and `holiday_calendars`: a region's own periods, and years of the
 * national holiday calendar loaded after the shipped ones. Gateways and workers pick them up within 10 s.
 */
export async function listOverrides(
  db: Db,
  region: string,
): Promise<{ ruleId: string; amount: number; unit: string; leadFraction: number | null }[]> {
  const rows = await db.selectFrom('deadline_overrides').selectAll().where('region', '=', region).execute();
  return rows.map((o) => ({
    ruleId: o.rule_id,
    amount: o.amount,
    unit: o.unit,
    leadFraction: o.lead_fraction,
  }));
}

export async function setOverride(db: Db, region: string, ruleId: string, o: RuleOverride): Promise<void> {
  const values = { amount: o.amount, unit: o.unit, lead_fraction: o.leadFraction ?? null };
  await db
    .insertInto('deadline_overrides')
    .values({ region, rule_id: ruleId, ...values })
    .onConflict((oc) => oc.columns(['region', 'rule_id']).doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

export async function loadCalendarYear(db: Db, year: HolidayYear): Promise<void> {
  await db
    .insertInto('holiday_calendars')
    .values({ year: year.year, data: JSON.stringify(year) })
    .onConflict((oc) => oc.column('year').doUpdateSet({ data: JSON.stringify(year), loaded_at: new Date() }))
    .execute();
}

/** A region's settings (the ones the CLI and tests set; a region file sets them all). */
export async function setRegionSettings(
  db: Db,
  region: string,
  settings: { justiceCopy?: boolean; restartReviewOnSupplement?: boolean },
): Promise<void> {
  const values = {
    ...(settings.justiceCopy === undefined ? {} : { justice_copy: settings.justiceCopy }),
    ...(settings.restartReviewOnSupplement === undefined
      ? {}
      : { restart_review_on_supplement: settings.restartReviewOnSupplement }),
  };
  await db
    .insertInto('region_settings')
    .values({ region, justice_copy: false, ...values })
    .onConflict((oc) => oc.column('region').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}
