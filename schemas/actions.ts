import { z } from 'zod';
import { AgencyCodeSchema } from './agency.js';
import { DocumentSchema } from './referral.js';
import { freeText, lineText, optionalFreeText, optionalLineText } from './text.js';

const note = optionalFreeText(2000);
const reasons = freeText(5000);
const at = z.iso.datetime({ offset: true }).optional();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256 digest');

/** Why the police declined to file (不予立案), grouped for the statistics. */
export const DECLINE_REASONS = [
  'no_crime_facts', // 没有犯罪事实
  'below_threshold', // 未达追诉标准
  'not_criminal_liability', // 依法不追究刑事责任
  'insufficient_evidence', // 证据不足
  'other',
] as const;

/** Stages of a filed case the police report; a withdrawal or a transfer elsewhere is a step of its own. */
export const PROGRESS_STAGES = ['detained', 'arrested', 'prosecuted', 'judged'] as const;

/** The economic-crime filing review, extended with approval (SPP/MPS 2017 Art 16): days from acceptance. */
export const REVIEW_EXTENSIONS = [10, 30, 60] as const;

/** Body of POST /v1/referrals/:id/actions and payload of a `command.action` message; one shape per action. */
export const ACTION_SCHEMAS = {
  withdraw: z.strictObject({ action: z.literal('withdraw'), reason: reasons }),
  /** `receivedAt`: when the case was accepted (no earlier than its delivery, no later than now). */
  receipt: z.strictObject({
    action: z.literal('receipt'),
    receivedAt: at,
    /** The files the police received and found to match their hashes. */
    filesChecked: z.array(sha256).max(500).optional(),
    note,
  }),
  report_file_mismatch: z.strictObject({
    action: z.literal('report_file_mismatch'),
    sha256s: z.array(sha256).min(1).max(500),
    note,
  }),
  extend_review: z.strictObject({
    action: z.literal('extend_review'),
    days: z.union(REVIEW_EXTENSIONS.map((d) => z.literal(d))),
    approvedBy: lineText(200),
    approvalNo: optionalLineText(100),
  }),
  answer_outside_remit: z.strictObject({
    action: z.literal('answer_outside_remit'),
    reasons,
    /** The organ the police think competent, when they name one. */
    competentOrgan: optionalLineText(200),
  }),
  request_supplement: z.strictObject({
    action: z.literal('request_supplement'),
    items: z.array(lineText(500)).min(1).max(100),
    note,
  }),
  supplement: z.strictObject({
    action: z.literal('supplement'),
    documents: z.array(DocumentSchema).min(1).max(500),
    note,
  }),
  forward: z.strictObject({ action: z.literal('forward'), to: AgencyCodeSchema, reason: reasons }),
  withdraw_case: z.strictObject({
    action: z.literal('withdraw_case'),
    decidedAt: z.iso.datetime({ offset: true }),
    reasons,
  }),
  transfer_case: z.strictObject({
    action: z.literal('transfer_case'),
    decidedAt: z.iso.datetime({ offset: true }),
    to: lineText(200),
    reasons,
  }),
  return_for_handling: z.strictObject({ action: z.literal('return_for_handling'), reasons }),
  open_supervision: z.strictObject({ action: z.literal('open_supervision'), reasons }),
  answer_opinion: z.strictObject({
    action: z.literal('answer_opinion'),
    outcome: z.enum(['transferred', 'not_transferred']),
    /** The criminal transfer the agency made, when it did. */
    transferReferralId: z.uuid().optional(),
    reasons: optionalFreeText(5000),
  }),
  file: z.strictObject({
    action: z.literal('file'),
    caseNo: optionalLineText(100),
    filedAt: at,
    note,
  }),
  decline: z.strictObject({
    action: z.literal('decline'),
    reasonCode: z.enum(DECLINE_REASONS),
    reasons,
    decidedAt: at,
  }),
  hand_over_goods: z.strictObject({
    action: z.literal('hand_over_goods'),
    items: z
      .array(z.strictObject({ description: freeText(500), quantity: optionalLineText(100) }))
      .min(1)
      .max(1000),
    handedOverAt: at,
  }),
  request_reconsideration: z.strictObject({ action: z.literal('request_reconsideration'), reasons }),
  uphold_decline: z.strictObject({ action: z.literal('uphold_decline'), reasons }),
  request_supervision: z.strictObject({ action: z.literal('request_supervision'), reasons }),
  demand_reasons: z.strictObject({ action: z.literal('demand_reasons'), note }),
  give_reasons: z.strictObject({ action: z.literal('give_reasons'), reasons }),
  close_supervision: z.strictObject({ action: z.literal('close_supervision'), reasons }),
  order_filing: z.strictObject({ action: z.literal('order_filing'), reasons }),
  report_progress: z.strictObject({
    action: z.literal('report_progress'),
    stage: z.enum(PROGRESS_STAGES),
    occurredAt: at,
    note,
  }),
  report_handling: z.strictObject({
    action: z.literal('report_handling'),
    outcome: z.enum(['penalty', 'no_penalty']),
    decisionNo: optionalLineText(100),
    amountYuan: z.number().nonnegative().optional(),
    reasons: optionalFreeText(5000),
  }),
  accept: z.strictObject({ action: z.literal('accept'), note }),
  close: z.strictObject({ action: z.literal('close'), note }),
  brief: z.strictObject({
    action: z.literal('brief'),
    recipients: z.array(AgencyCodeSchema).min(1).max(100),
    subject: lineText(300),
    body: freeText(20_000),
  }),
} as const;

/** A standalone briefing (POST /v1/briefings, `command.brief`): the same fields without a referral. */
export const BriefingSchema = ACTION_SCHEMAS.brief.omit({ action: true });
export type Briefing = z.infer<typeof BriefingSchema>;

export const ActionCommandSchema = z.discriminatedUnion('action', [
  ACTION_SCHEMAS.withdraw,
  ACTION_SCHEMAS.receipt,
  ACTION_SCHEMAS.report_file_mismatch,
  ACTION_SCHEMAS.extend_review,
  ACTION_SCHEMAS.answer_outside_remit,
  ACTION_SCHEMAS.withdraw_case,
  ACTION_SCHEMAS.transfer_case,
  ACTION_SCHEMAS.return_for_handling,
  ACTION_SCHEMAS.open_supervision,
  ACTION_SCHEMAS.answer_opinion,
  ACTION_SCHEMAS.request_supplement,
  ACTION_SCHEMAS.supplement,
  ACTION_SCHEMAS.forward,
  ACTION_SCHEMAS.file,
  ACTION_SCHEMAS.decline,
  ACTION_SCHEMAS.hand_over_goods,
  ACTION_SCHEMAS.request_reconsideration,
  ACTION_SCHEMAS.uphold_decline,
  ACTION_SCHEMAS.request_supervision,
  ACTION_SCHEMAS.demand_reasons,
  ACTION_SCHEMAS.give_reasons,
  ACTION_SCHEMAS.close_supervision,
  ACTION_SCHEMAS.order_filing,
  ACTION_SCHEMAS.report_progress,
  ACTION_SCHEMAS.report_handling,
  ACTION_SCHEMAS.accept,
  ACTION_SCHEMAS.close,
  ACTION_SCHEMAS.brief,
]);
export type ActionCommand = z.infer<typeof ActionCommandSchema>;

/** Compile-time check that a switch over a union handled every case. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
