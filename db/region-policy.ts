import { readdirSync, readFileSync } from 'node:fs';
import { type DurationUnit, type HolidayYear, HolidayYearSchema } from '../schemas/calendar.js';
import type { PolicyView } from '../schemas/decision-context.js';
import { policyView, type RuleOverrideRow } from '../schemas/policy.js';
import type { Db } from './connection.js';

const SHIPPED_DIR = new URL('../schemas/calendar/', import.meta.url);

/** The holiday calendars shipped with the hub (schemas/calendar/cn-YYYY.json). */
export function shippedYears(): HolidayYear[] {
  return readdirSync(SHIPPED_DIR)
    .filter((f) => /^cn-\d{4}\.json$/.test(f))
    .map((f) => HolidayYearSchema.parse(JSON.parse(readFileSync(new URL(f, SHIPPED_DIR), 'utf8'))));
}

/**
 * The regions' rules (their overrides over the defaults), the holiday calendar (shipped years plus years
 * loaded into the database) and the regions' copy settings, cached for a few seconds: a change needs no
 * deploy, and the command path no extra round trip.
 */
export class RegionPolicy {
  private current: PolicyView = policyView(shippedYears(), [], new Set());
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxAgeMs = 10_000,
  ) {}

  /** A snapshot the decision can consult without I/O. */
  async view(): Promise<PolicyView> {
    if (Date.now() - this.loadedAt > this.maxAgeMs) {
      this.loading ??= this.load().finally(() => {
        this.loading = undefined;
      });
      await this.loading;
    }
    return this.current;
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  private async load(): Promise<void> {
    const [overrides, years, settings] = await Promise.all([
      this.db.selectFrom('deadline_overrides').selectAll().execute(),
      this.db.selectFrom('holiday_calendars').select('data').execute(),
      this.db
        .selectFrom('region_settings')
        .select(['region', 'justice_copy', 'restart_review_on_supplement'])
        .execute(),
    ]);
    const rows: RuleOverrideRow[] = overrides.map((o) => ({
      region: o.region,
      ruleId: o.rule_id,
      amount: o.amount,
      unit: o.unit as DurationUnit,
      leadFraction: o.lead_fraction,
    }));
    const loaded = years.map((y) => HolidayYearSchema.parse(y.data));
    const shipped = shippedYears().filter((s) => !loaded.some((l) => l.year === s.year));
    this.current = policyView(
      [...shipped, ...loaded],
      rows,
      new Set(settings.filter((s) => s.justice_copy).map((s) => s.region)),
      new Set(settings.filter((s) => s.restart_review_on_supplement).map((s) => s.region)),
    );
    this.loadedAt = Date.now();
  }
}
