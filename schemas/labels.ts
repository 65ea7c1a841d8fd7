import type { DECLINE_REASONS } from './actions.js';
import { DEADLINE_RULES, type DUTY_STATUSES } from './deadlines.js';
import { TRANSITIONS } from './lifecycle.js';
import type { REFERRAL_KINDS } from './referral.js';

/**
 * The Chinese names people read on the dashboard and in the printed briefing pack, for every code the hub
 * shows: kinds, events and states, duty statuses, rules, decline reasons. One table, so that a new state
 * or rule without a name fails a test instead of reaching a joint meeting as a raw code.
 */
export const KIND_LABELS: Record<(typeof REFERRAL_KINDS)[number], string> = {
  criminal_transfer: '涉嫌犯罪案件移送',
  reverse_transfer: '反向移送',
  duty_clue: '职务犯罪线索',
  transfer_opinion: '检察意见（建议移送）',
};

export const EVENT_LABELS: Record<string, string> = {
  submitted: '移送',
  withdrawn: '撤回',
  receipted: '回执',
  supplement_requested: '要求补正',
  supplemented: '补正',
  review_extended: '延长立案审查',
  file_mismatch_reported: '报告文件不符',
  forwarded: '转送',
  answered_outside_remit: '告知不属公安职责',
  outside_remit: '不属公安职责',
  filed: '立案',
  declined: '不予立案',
  goods_handed_over: '移交涉案物品',
  progress: '进展',
  case_withdrawn: '撤销案件',
  case_transferred: '移送管辖',
  returned_for_handling: '退回行政处理',
  reconsideration_requested: '提请复议',
  decline_upheld: '维持不予立案',
  supervision_requested: '立案监督',
  supervision_opened: '依职权立案监督',
  reasons_demanded: '要求说明不立案理由',
  reasons_given: '说明不立案理由',
  supervision_closed: '监督结束',
  filing_ordered: '通知立案',
  administratively_handled: '行政处理',
  handled: '处理完毕',
  accepted: '受理',
  opinion_answered: '回复检察意见',
  closed: '结案',
  briefed: '案情通报',
  deadline_approaching: '期限预警',
  deadline_overdue: '期限逾期',
  deadline_moved: '期限调整',
  deadline_confirmed: '期限确认',
};

export const DUTY_STATUS_LABELS: Record<(typeof DUTY_STATUSES)[number], string> = {
  open: '未到期',
  warned: '临近',
  overdue: '逾期',
  met: '按期',
  met_late: '超期完成',
  lapsed: '期满未用',
  superseded: '重新计算',
};

export const DECLINE_REASON_LABELS: Record<(typeof DECLINE_REASONS)[number], string> = {
  no_crime_facts: '没有犯罪事实',
  below_threshold: '未达追诉标准',
  not_criminal_liability: '依法不追究刑事责任',
  insufficient_evidence: '证据不足',
  other: '其他',
};

/** A rule's Chinese name: its title before the English. */
export const RULE_LABELS: Record<string, string> = Object.fromEntries(
  DEADLINE_RULES.map((r) => [r.id, r.title.split(' / ')[0] ?? r.id]),
);

/** Every label, for the pages (served to the dashboard as JSON). */
export const LABELS = {
  kinds: KIND_LABELS,
  events: EVENT_LABELS,
  statuses: DUTY_STATUS_LABELS,
  declineReasons: DECLINE_REASON_LABELS,
  rules: RULE_LABELS,
};

/** Codes the pages may show that have no label (a test keeps this empty). */
export function unlabelled(): string[] {
  const codes = new Set([...TRANSITIONS.flatMap((t) => [t.event, t.to])]);
  return [...codes].filter((c) => !(c in EVENT_LABELS));
}
