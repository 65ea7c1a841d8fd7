import { z } from 'zod';
import {
  type Calendar,
  DURATION_UNITS,
  type DurationUnit,
  type HourCounting,
  type ScheduledPeriod,
  schedulePeriod,
} from './calendar.js';
import { type PartyRole, TRANSITIONS } from './lifecycle.js';
import type { ReferralKind } from './referral.js';

/**
 * A duty: who owes what to whom, by when, under which article. The events that start a rule are the
 * lifecycle transitions that name it (`deadline` in schemas/lifecycle.ts); the rule says what fulfils it.
 * A `window` is a period in which a party may act (e.g. ask reconsideration): it lapses unused without a
 * breach, but an act after it is recorded as late.
 */
export type DeadlineRule = {
  readonly id: string;
  readonly kind: ReferralKind;
  readonly title: string;
  readonly responsible: PartyRole;
  readonly counterparty: PartyRole;
  readonly fulfilledBy: readonly string[];
  readonly amount: number;
  readonly unit: DurationUnit;
  /**
   * How an `hour` period counts: exactly, or from the next full hour (刑诉法 Art 105, where the law's
   * period is in hours). Ignored for the other units.
   */
  readonly hourCounting: HourCounting;
  /** Warn when this share of the period is left (0.25: at 75 % of the period). */
  readonly leadFraction: number;
  readonly window: boolean;
  readonly source: string;
  /**
   * The field of the command whose time starts the period, when it starts before the step that opens it
   * (the head's approval, recorded in the submission); otherwise the step's own time.
   */
  readonly startsFrom?: 'approvedAt';
};

const rule = (
  r: Omit<DeadlineRule, 'leadFraction' | 'window' | 'hourCounting'> & Partial<DeadlineRule>,
): DeadlineRule => ({
  leadFraction: 0.25,
  window: false,
  hourCounting: 'exact',
  ...r,
});

export const DEADLINE_RULES: readonly DeadlineRule[] = [
  rule({
    id: 'send_after_approval',
    kind: 'criminal_transfer',
    title: '批准后24小时内移送 / send within 24 h of approval',
    responsible: 'sender',
    counterparty: 'recipient',
    fulfilledBy: ['submitted'],
    amount: 24,
    unit: 'hour',
    source: 'Decree 310 Art 5(2)',
    startsFrom: 'approvedAt',
  }),
  rule({
    id: 'receipt_due',
    kind: 'criminal_transfer',
    title: '接受移送并回执 / receipt the transfer',
    responsible: 'recipient',
    counterparty: 'sender',
    fulfilledBy: ['receipted', 'withdrawn'],
    amount: 24,
    unit: 'hour',
    source: 'Decree 310 Art 7 (on receipt; hub default 24 h)',
  }),
  rule({
    id: 'supplement_due',
    kind: 'criminal_transfer',
    title: '3日内补正材料 / supplement within 3 days',
    responsible: 'sender',
    counterparty: 'recipient',
    fulfilledBy: ['supplemented'],
    amount: 3,
    unit: 'calendar_day',
    source: 'MPS Art 180(2)',
  }),
  rule({
    id: 'filing_decision_due',
    kind: 'criminal_transfer',
    title: '3日内作出立案或不予立案决定 / decide on filing within 3 days',
    responsible: 'recipient',
    counterparty: 'sender',
    // A supplement request suspends the decision; the supplement starts it again.
    fulfilledBy: ['filed', 'declined', 'forwarded', 'supplement_requested'],
    amount: 3,
    unit: 'calendar_day',
    source: 'Decree 310 Art 8; MPS Art 180(1)',
  }),
  rule({
    id: 'goods_handover_due',
    kind: 'criminal_transfer',
    title: '立案通知后3日内移交涉案物品 / hand over seized goods within 3 days of the filing notice',
    responsible: 'sender',
    counterparty: 'recipient',
    fulfilledBy: ['goods_handed_over', 'closed'],
    amount: 3,
    unit: 'calendar_day',
    source: 'Decree 310 Art 12',
  }),
  rule({
    id: 'reconsideration_request_window',
    kind: 'criminal_transfer',
    title: '3日内提请复议 / ask reconsideration within 3 days',
    responsible: 'sender',
    counterparty: 'recipient',
    fulfilledBy: ['reconsideration_requested'],
    amount: 3,
    unit: 'calendar_day',
    window: true,
    source: 'Decree 310 Art 9(1)',
  }),
  rule({
    id: 'reconsideration_decision_due',
    kind: 'criminal_transfer',
    title: '3日内作出复议决定 / decide the reconsideration within 3 days',
    responsible: 'recipient',
    counterparty: 'sender',
    fulfilledBy: ['filed', 'decline_upheld'],
    amount: 3,
    unit: 'calendar_day',
    source: 'Decree 310 Art 9(2)',
  }),
  rule({
    id: 'supervision_request_window',
    kind: 'criminal_transfer',
    title: '复议决定后3日内建议立案监督 / ask filing supervision within 3 days',
    responsible: 'sender',
    counterparty: 'procuratorate',
    fulfilledBy: ['supervision_requested'],
    amount: 3,
    unit: 'calendar_day',
    window: true,
    source: 'Decree 310 Art 9(2)',
  }),
  rule({
    id: 'reasons_due',
    kind: 'criminal_transfer',
    title: '7日内说明不立案理由 / explain the non-filing within 7 days',
    responsible: 'recipient',
    counterparty: 'procuratorate',
    fulfilledBy: ['reasons_given', 'filing_ordered'],
    amount: 7,
    unit: 'calendar_day',
    source: 'SPP Rules Art 559-560; MPS Art 182(1)',
  }),
  rule({
    id: 'supervision_notice_due',
    kind: 'criminal_transfer',
    title: '10日内将审查结论告知移送机关 / tell the agency the outcome within 10 days',
    responsible: 'procuratorate',
    counterparty: 'sender',
    fulfilledBy: ['supervision_closed', 'filing_ordered'],
    amount: 10,
    unit: 'calendar_day',
    source: 'SPP Rules Art 561(2)',
  }),
  rule({
    id: 'ordered_filing_due',
    kind: 'criminal_transfer',
    title: '通知立案后15日内立案 / file within 15 days of the order',
    responsible: 'recipient',
    counterparty: 'procuratorate',
    fulfilledBy: ['filed'],
    amount: 15,
    unit: 'calendar_day',
    source: 'SPP Rules Art 561, 563; MPS Art 182(2)',
  }),
  rule({
    id: 'reverse_receipt_due',
    kind: 'reverse_transfer',
    title: '接收反向移送 / receipt a returned case',
    responsible: 'recipient',
    counterparty: 'sender',
    fulfilledBy: ['receipted', 'withdrawn'],
    amount: 3,
    unit: 'calendar_day',
    source: 'Decree 310 Art 13 (及时; hub default 3 days)',
  }),
  rule({
    id: 'reverse_reply_due',
    kind: 'reverse_transfer',
    title: '2个月内书面回复处理结果 / reply with the outcome within 2 months',
    responsible: 'recipient',
    counterparty: 'sender',
    fulfilledBy: ['handled'],
    amount: 2,
    unit: 'month',
    source: 'SPP 2021 规定 (检察意见: 2 months) [S]',
  }),
  rule({
    id: 'clue_receipt_due',
    kind: 'duty_clue',
    title: '及时接收职务犯罪线索 / receipt a duty-crime clue promptly',
    responsible: 'recipient',
    counterparty: 'sender',
    fulfilledBy: ['receipted', 'withdrawn'],
    amount: 3,
    unit: 'calendar_day',
    source: 'Decree 310 Art 19 (及时; hub default 3 days)',
  }),
];

export const RULES_BY_ID = new Map(DEADLINE_RULES.map((r) => [r.id, r]));

/** The events that open a rule: the lifecycle rows that name it. */
export function startingEvents(ruleId: string): string[] {
  return [...new Set(TRANSITIONS.filter((t) => t.opens.includes(ruleId)).map((t) => t.event))];
}

/** A rule as a region applies it: its own amount, unit and warning share where it overrides them. */
export type EffectiveRule = DeadlineRule;

/**
 * Due time and warning time of a rule started at `start`, and whether the due time rests on a year that is
 * not official (it may move when that year's notice is loaded).
 */
export function scheduleRule(
  calendar: Calendar,
  rule: EffectiveRule,
  start: Date,
): ScheduledPeriod & { warnAt: Date } {
  const period = schedulePeriod(calendar, start, rule.amount, rule.unit, { hourCounting: rule.hourCounting });
  const due = period.dueAt.getTime();
  const warnAt = new Date(due - (due - start.getTime()) * rule.leadFraction);
  return { ...period, warnAt };
}

/** A region's override of one rule, stored in the database. */
export const RuleOverrideSchema = z.strictObject({
  amount: z.number().int().positive().max(10_000),
  unit: z.enum(DURATION_UNITS),
  leadFraction: z.number().min(0).max(1).optional(),
});
export type RuleOverride = z.infer<typeof RuleOverrideSchema>;

export const DUTY_STATUSES = ['open', 'warned', 'overdue', 'met', 'met_late', 'lapsed'] as const;
export type DutyStatus = (typeof DUTY_STATUSES)[number];
/** Statuses of a duty that an event can still fulfil (a lapsed window used late is met_late). */
export const UNMET_STATUSES = [
  'open',
  'warned',
  'overdue',
  'lapsed',
] as const satisfies readonly DutyStatus[];
/** Statuses of a duty that is still owed (the backlog). */
export const OWED_STATUSES = ['open', 'warned', 'overdue'] as const satisfies readonly DutyStatus[];
