import { Calendar, type DurationUnit, type HolidayYear } from './calendar.js';
import { RULES_BY_ID, scheduleRule } from './deadlines.js';
import type { PolicyView } from './decision-context.js';

/** A region's own amount, unit and warning share for a rule. */
export type RuleOverrideRow = {
  region: string;
  ruleId: string;
  amount: number;
  unit: DurationUnit;
  leadFraction: number | null;
};

/**
 * The rules as each region applies them, over a holiday calendar (given, or built from years of it):
 * what the decision consults.
 */
export function policyView(
  calendar: Calendar | readonly HolidayYear[],
  overrides: readonly RuleOverrideRow[],
  copyRegions: ReadonlySet<string>,
  restartRegions: ReadonlySet<string> = new Set(),
): PolicyView {
  const holidays = calendar instanceof Calendar ? calendar : new Calendar(calendar);
  const byKey = new Map(overrides.map((o) => [`${o.region}/${o.ruleId}`, o]));
  const rule = (region: string, ruleId: string) => {
    const base = RULES_BY_ID.get(ruleId);
    if (!base) throw new Error(`unknown deadline rule ${ruleId}`);
    const o = byKey.get(`${region}/${ruleId}`);
    if (!o) return base;
    return { ...base, amount: o.amount, unit: o.unit, leadFraction: o.leadFraction ?? base.leadFraction };
  };
  return {
    rule,
    schedule(region, ruleId, start, as) {
      const effective = as ?? rule(region, ruleId);
      return { rule: effective, ...scheduleRule(holidays, effective, start) };
    },
    regionCopies: (region) => copyRegions.has(region),
    // One region setting today: restart the filing review on a supplement (off by default, MPS Art 180(2)).
    restartsOn: (region, ruleId, event) =>
      restartRegions.has(region) && ruleId === 'filing_decision_due' && event === 'supplemented',
  };
}
