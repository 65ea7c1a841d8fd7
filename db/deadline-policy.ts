import { readdirSync, readFileSync } from 'node:fs';
import type { DurationUnit } from '../schemas/calendar.js';
import { Calendar, dueAt, type HolidayYear, HolidayYearSchema } from '../schemas/calendar.js';
import { type DeadlineRule, RULES_BY_ID } from '../schemas/deadlines.js';
import type { Db } from './connection.js';

const SHIPPED_DIR = new URL('../schemas/calendar/', import.meta.url);

/** The holiday calendars shipped with the hub (schemas/calendar/cn-YYYY.json). */
export function shippedYears(): HolidayYear[] {
  return readdirSync(SHIPPED_DIR)
    .filter((f) => /^cn-\d{4}\.json$/.test(f))
    .map((f) => HolidayYearSchema.parse(JSON.parse(readFileSync(new URL(f, SHIPPED_DIR), 'utf8'))));
}

export type EffectiveRule = DeadlineRule & { amount: number; unit: DurationUnit; leadFraction: number };

/**
 * Rules as a region applies them (its overrides over the defaults), the holiday calendar (shipped years
 * plus years loaded into the database) and the regions' copy settings; cached for a few seconds (a change
 * needs no deploy, and the command path no extra round trip).
 */
export class DeadlinePolicy {
  private overrides = new Map<string, { amount: number; unit: DurationUnit; leadFraction: number | null }>();
  private justiceCopies = new Set<string>();
  private calendar = new Calendar(shippedYears());
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxAgeMs = 10_000,
  ) {}

  async rule(region: string, ruleId: string): Promise<EffectiveRule> {
    await this.fresh();
    const base = RULES_BY_ID.get(ruleId);
    if (!base) throw new Error(`unknown deadline rule ${ruleId}`);
    const o = this.overrides.get(`${region}/${ruleId}`);
    return {
      ...base,
      amount: o?.amount ?? base.amount,
      unit: o?.unit ?? base.unit,
      leadFraction: o?.leadFraction ?? base.leadFraction,
    };
  }

  /** Due time and warning time of a rule started at `start`. */
  async schedule(
    region: string,
    ruleId: string,
    start: Date,
  ): Promise<{ rule: EffectiveRule; dueAt: Date; warnAt: Date }> {
    const rule = await this.rule(region, ruleId);
    const due = dueAt(this.calendar, start, rule.amount, rule.unit);
    const warnAt = new Date(due.getTime() - (due.getTime() - start.getTime()) * rule.leadFraction);
    return { rule, dueAt: due, warnAt };
  }

  /** Whether the region asks for its justice bureau to be copied (region_settings). */
  async justiceCopy(region: string): Promise<boolean> {
    await this.fresh();
    return this.justiceCopies.has(region);
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt <= this.maxAgeMs) return;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  private async load(): Promise<void> {
    const [overrides, years, settings] = await Promise.all([
      this.db.selectFrom('deadline_overrides').selectAll().execute(),
      this.db.selectFrom('holiday_calendars').select('data').execute(),
      this.db.selectFrom('region_settings').select('region').where('justice_copy', '=', true).execute(),
    ]);
    this.justiceCopies = new Set(settings.map((s) => s.region));
    this.overrides = new Map(
      overrides.map((o) => [
        `${o.region}/${o.rule_id}`,
        { amount: o.amount, unit: o.unit as DurationUnit, leadFraction: o.lead_fraction },
      ]),
    );
    const loaded = years.map((y) => HolidayYearSchema.parse(y.data));
    const shipped = shippedYears().filter((s) => !loaded.some((l) => l.year === s.year));
    this.calendar = new Calendar([...shipped, ...loaded]);
    this.loadedAt = Date.now();
  }
}
