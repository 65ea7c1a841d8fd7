import { z } from 'zod';
import type { AgencyKind } from './agency.js';
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
 * lifecycle rows that name it (`opens` in schemas/lifecycle.ts); the rule says what fulfils it. A `window`
 * is a period in which a party may act (e.g. ask reconsideration): it lapses unused without a breach, but an
 * act after it is recorded as late. A period the law does not give is a hub default, and says so.
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
  /** Warn when this share of the period is left (0.25: at 75 % of the period). */
  readonly leadFraction: number;
  readonly window: boolean;
  readonly source: string;
  /**
   * The field of the command whose time starts the period (the head's approval, the acceptance the receipt
   * states, the date a decision was taken); otherwise the time of the step that opens it.
   */
  readonly startsFrom?: 'approvedAt' | 'receivedAt' | 'decidedAt';
  /** Only for referrals sent by these kinds of agency (a procuratorate's opinion, a police return). */
  readonly appliesTo?: readonly AgencyKind[];
  /** Events that start the period again where the region asks for it (`restart_review_on_supplement`). */
  readonly restartedBy?: readonly string[];
  /** Hours counted exactly, or as 刑诉法 Art 105 counts them (the starting hour does not count). */
  readonly hourCounting: HourCounting;
};

type RuleRow = Omit<DeadlineRule, 'leadFraction' | 'window' | 'hourCounting'> & Partial<DeadlineRule>;
const rule = (r: RuleRow): DeadlineRule => ({
  leadFraction: 0.25,
  window: false,
  hourCounting: 'exact',
  ...r,
});

// biome-ignore format: one rule a line
const CRIMINAL_TRANSFER: RuleRow[] = [
  { id: 'send_after_approval', kind: 'criminal_transfer', title: '批准后24小时内移送 / send within 24 h of approval', responsible: 'sender', counterparty: 'recipient', fulfilledBy: ['submitted'], amount: 24, unit: 'hour', startsFrom: 'approvedAt', source: 'Decree 310 Art 5(2)' },
  { id: 'receipt_due', kind: 'criminal_transfer', title: '接受移送并回执 / receipt the transfer', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['receipted', 'withdrawn', 'filed', 'supervision_closed'], amount: 24, unit: 'hour', source: 'Decree 310 Art 7 (on receipt; hub default 24 h)' },
  { id: 'supplement_request_window', kind: 'criminal_transfer', title: '接受后24小时内书面告知补正 / ask for a supplement within 24 h of acceptance', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['supplement_requested'], amount: 24, unit: 'hour', window: true, startsFrom: 'receivedAt', hourCounting: 'article_105', source: 'MPS Art 180(2)' },
  { id: 'forward_window', kind: 'criminal_transfer', title: '24小时内移送有管辖权的机关 / forward to the competent organ within 24 h', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['forwarded'], amount: 24, unit: 'hour', window: true, startsFrom: 'receivedAt', hourCounting: 'article_105', source: 'Decree 310 Art 7; MPS Art 175' },
  { id: 'supplement_due', kind: 'criminal_transfer', title: '3日内补正材料 / supplement within 3 days', responsible: 'sender', counterparty: 'recipient', fulfilledBy: ['supplemented', 'filed', 'declined'], amount: 3, unit: 'calendar_day', source: 'MPS Art 180(2)' },
  { id: 'filing_decision_due', kind: 'criminal_transfer', title: '3日内作出立案或不予立案决定 / decide on filing within 3 days', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['filed', 'declined', 'forwarded', 'answered_outside_remit', 'reasons_given', 'supervision_closed'], amount: 3, unit: 'calendar_day', startsFrom: 'receivedAt', restartedBy: ['supplemented'], source: 'Decree 310 Art 8; MPS Art 180(1)' },
  { id: 'goods_handover_due', kind: 'criminal_transfer', title: '立案通知后3日内移交涉案物品 / hand over seized goods within 3 days of the filing notice', responsible: 'sender', counterparty: 'recipient', fulfilledBy: ['goods_handed_over', 'case_withdrawn'], amount: 3, unit: 'calendar_day', source: 'Decree 310 Art 12' },
  { id: 'report_withdrawal_due', kind: 'criminal_transfer', title: '撤销案件后3日内告知移送机关 / tell the agency of a withdrawn case within 3 days', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['case_withdrawn'], amount: 3, unit: 'calendar_day', startsFrom: 'decidedAt', source: 'MPS Art 189' },
  { id: 'report_transfer_due', kind: 'criminal_transfer', title: '移送管辖后3日内告知移送机关 / tell the agency of a transfer elsewhere within 3 days', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['case_transferred'], amount: 3, unit: 'calendar_day', startsFrom: 'decidedAt', source: 'MPS Art 184' },
  { id: 'handling_report_due', kind: 'criminal_transfer', title: '撤案退回后报告行政处理结果 / report the handling of a returned case', responsible: 'sender', counterparty: 'recipient', fulfilledBy: ['administratively_handled'], amount: 90, unit: 'calendar_day', source: 'Decree 310 Art 13 (no period; hub default 90 days, as Penalty Law Art 60)' },
  { id: 'reconsideration_request_window', kind: 'criminal_transfer', title: '3日内提请复议 / ask reconsideration within 3 days', responsible: 'sender', counterparty: 'recipient', fulfilledBy: ['reconsideration_requested'], amount: 3, unit: 'calendar_day', window: true, source: 'Decree 310 Art 9(1)' },
  { id: 'reconsideration_decision_due', kind: 'criminal_transfer', title: '3日内作出复议决定 / decide the reconsideration within 3 days', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['filed', 'decline_upheld'], amount: 3, unit: 'calendar_day', source: 'Decree 310 Art 9(2)' },
  { id: 'supervision_request_window', kind: 'criminal_transfer', title: '复议决定后3日内建议立案监督 / ask filing supervision within 3 days', responsible: 'sender', counterparty: 'procuratorate', fulfilledBy: ['supervision_requested'], amount: 3, unit: 'calendar_day', window: true, source: 'Decree 310 Art 9(2)' },
  { id: 'supervision_review_due', kind: 'criminal_transfer', title: '审查立案监督 / review the supervision request', responsible: 'procuratorate', counterparty: 'sender', fulfilledBy: ['reasons_demanded', 'supervision_closed', 'filed'], amount: 30, unit: 'calendar_day', source: 'SPP Rules Art 557-558 (no period; hub default 30 days)' },
  { id: 'reasons_due', kind: 'criminal_transfer', title: '7日内说明不立案理由 / explain the non-filing within 7 days', responsible: 'recipient', counterparty: 'procuratorate', fulfilledBy: ['reasons_given', 'filing_ordered', 'filed'], amount: 7, unit: 'calendar_day', source: 'SPP Rules Art 559-560, 562; MPS Art 182(1)' },
  { id: 'supervision_notice_due', kind: 'criminal_transfer', title: '10日内将审查结论告知移送机关 / tell the agency the outcome within 10 days', responsible: 'procuratorate', counterparty: 'sender', fulfilledBy: ['supervision_closed', 'filing_ordered'], amount: 10, unit: 'calendar_day', source: 'SPP Rules Art 561(2)' },
  { id: 'ordered_filing_due', kind: 'criminal_transfer', title: '通知立案后15日内立案 / file within 15 days of the order', responsible: 'recipient', counterparty: 'procuratorate', fulfilledBy: ['filed'], amount: 15, unit: 'calendar_day', source: 'SPP Rules Art 561, 563; MPS Art 182(2)' },
];

// biome-ignore format: one rule a line
const OTHER_KINDS: RuleRow[] = [
  { id: 'reverse_receipt_due', kind: 'reverse_transfer', title: '接收反向移送 / receipt a returned case', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['receipted', 'withdrawn'], amount: 3, unit: 'calendar_day', source: 'Decree 310 Art 13 (及时; hub default 3 days)' },
  { id: 'reverse_reply_due', kind: 'reverse_transfer', title: '送达后2个月内书面回复检察意见 / answer the opinion in writing within 2 months of delivery', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['handled', 'withdrawn'], amount: 2, unit: 'month', appliesTo: ['procuratorate'], source: '刑诉法 Art 177(3); SPP Rules Art 373; SPP 2021 规定 (2 months) [S]' },
  { id: 'reverse_report_due', kind: 'reverse_transfer', title: '报告行政处理结果 / report the administrative outcome', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['handled', 'withdrawn'], amount: 90, unit: 'calendar_day', appliesTo: ['police', 'court'], source: 'Decree 310 Art 13; MPS Art 298 (no period; hub default 90 days)' },
  { id: 'clue_receipt_due', kind: 'duty_clue', title: '及时接收职务犯罪线索 / receipt a duty-crime clue promptly', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['receipted', 'withdrawn'], amount: 3, unit: 'calendar_day', source: 'Supervision Law Art 34 (及时; hub default 3 days)' },
  { id: 'clue_decision_due', kind: 'duty_clue', title: '受理或移送线索 / accept the clue or send it on', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['accepted', 'forwarded'], amount: 30, unit: 'calendar_day', source: 'Supervision Law Art 34, 35 (no period; hub default 30 days)' },
  { id: 'opinion_receipt_due', kind: 'transfer_opinion', title: '接收检察意见 / receipt the procuratorate opinion', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['receipted', 'withdrawn'], amount: 3, unit: 'calendar_day', source: 'SPP Rules Art 557(3) (hub default 3 days)' },
  { id: 'opinion_reply_due', kind: 'transfer_opinion', title: '送达后2个月内书面回复检察意见 / answer the opinion in writing within 2 months of delivery', responsible: 'recipient', counterparty: 'sender', fulfilledBy: ['opinion_answered', 'withdrawn'], amount: 2, unit: 'month', source: '刑诉法 Art 177(3); SPP Rules Art 373, 557(3); SPP 2021 规定 (2 months) [S]' },
];

export const DEADLINE_RULES: readonly DeadlineRule[] = [...CRIMINAL_TRANSFER, ...OTHER_KINDS].map(rule);

export const RULES_BY_ID = new Map(DEADLINE_RULES.map((r) => [r.id, r]));

/**
 * What a duty shows of its rule: the title and the article. Not stored per duty (the rule id says it, and
 * each referral opens several duties); a rule no longer in this table shows its id.
 */
export function ruleText(ruleId: string): { title: string; source: string } {
  const rule = RULES_BY_ID.get(ruleId);
  return rule ? { title: rule.title, source: rule.source } : { title: ruleId, source: '' };
}

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

/** `superseded`: a period started again (a region that restarts the review on a supplement). */
export const DUTY_STATUSES = [
  'open',
  'warned',
  'overdue',
  'met',
  'met_late',
  'lapsed',
  'superseded',
] as const;
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
