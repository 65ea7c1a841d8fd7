import { Calendar, type DurationUnit } from '../schemas/calendar.js';
import type { PolicyView } from '../schemas/decision-context.js';
import { policyView, type RuleOverrideRow } from '../schemas/policy.js';
import { holidayYears, shippedYears } from './calendar-years.js';
import type { Db } from './connection.js';

/**
 * The regions' rules (their overrides over the defaults), the holiday calendar (shipped years plus years
 * loaded into the database; every other year synthesised from the law, or unknown) and the regions' copy settings, cached for a few seconds: a change needs no
 * deploy, and the command path no extra round trip.
 */
export class RegionPolicy {
  private holidays = new Calendar(shippedYears());
  private current: PolicyView = policyView(this.holidays, [], new Set());
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

  /**
   * The holiday calendar of the same snapshot: which years are official, provisional (a file so marked, or
   * synthesised from the law) or unknown (`calendar.status(year)`).
   */
  async calendar(): Promise<Calendar> {
    await this.view();
    return this.holidays;
  }

  /** The calendar as last loaded, without I/O (the shipped and synthesised years before the first load). */
  lastCalendar(): Calendar {
    return this.holidays;
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  private async load(): Promise<void> {
    const [overrides, years, settings] = await Promise.all([
      this.db.selectFrom('deadline_overrides').selectAll().execute(),
      holidayYears(this.db),
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
    this.holidays = new Calendar(years);
    this.current = policyView(
      this.holidays,
      rows,
      new Set(settings.filter((s) => s.justice_copy).map((s) => s.region)),
      new Set(settings.filter((s) => s.restart_review_on_supplement).map((s) => s.region)),
    );
    this.loadedAt = Date.now();
  }
}
