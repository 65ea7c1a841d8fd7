import { z } from 'zod';
import { ActionCommandSchema, BriefingSchema } from './actions.js';
import { AgencyCodeSchema } from './agency.js';
import { ErrorCodeSchema } from './error-code.js';
import { PARTY_ROLES, StateSchema, TRANSITIONS } from './lifecycle.js';
import { ReferralKindSchema, SubmissionSchema } from './referral.js';
import { CommandSignatureSchema } from './signature.js';
import { type TextFault, textIssueParams } from './text.js';

/** The hub's own name as sender or recipient of an envelope. */
export const HUB = 'hub';

const PartySchema = z.union([AgencyCodeSchema, z.literal(HUB)]);

/** Every AMQP message and every inbox item travels in this envelope (DESIGN.md). */
export const EnvelopeBaseSchema = z.strictObject({
  messageId: z.uuid(),
  type: z.string().min(1).max(100),
  referralId: z.uuid().nullable(),
  sender: PartySchema,
  recipient: PartySchema,
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.uuid().nullable(),
  causationId: z.uuid().nullable(),
  payload: z.unknown(),
});
export type Envelope = z.infer<typeof EnvelopeBaseSchema>;

const ReferralEventPayload = z.object({
  referralId: z.uuid(),
  kind: ReferralKindSchema,
  state: StateSchema,
  event: z.string(),
  /** The recipient's role in the referral; `procuratorate` and `copy` are the 抄送 copies. */
  role: z.enum(PARTY_ROLES),
  seq: z.number().int().positive(),
  hash: z.string(),
  actor: AgencyCodeSchema,
  /** The submission (for `submitted`) or the action's fields. */
  data: z.record(z.string(), z.unknown()),
});

const referralEvents = [...new Set(TRANSITIONS.map((t) => t.event))].filter((e) => e !== 'briefed');

/** Hub → agency notifications: `referral.<event>` for every lifecycle event, briefings, refusals. */
export const NOTIFICATION_TYPES: Record<string, z.ZodType> = {
  ...Object.fromEntries(
    referralEvents.map((event) => [
      `referral.${event}`,
      ReferralEventPayload.extend({ event: z.literal(event) }),
    ]),
  ),
  ...Object.fromEntries(
    (['approaching', 'overdue'] as const).map((alarm) => [
      `deadline.${alarm}`,
      z.object({
        referralId: z.uuid(),
        dutyId: z.uuid(),
        rule: z.string(),
        title: z.string(),
        source: z.string(),
        responsible: AgencyCodeSchema,
        counterparty: AgencyCodeSchema.nullable(),
        dueAt: z.iso.datetime(),
        status: z.literal(alarm === 'overdue' ? 'overdue' : 'warned'),
      }),
    ]),
  ),
  'deadline.moved': z.object({
    referralId: z.uuid(),
    dutyId: z.uuid(),
    rule: z.string(),
    title: z.string(),
    source: z.string(),
    responsible: AgencyCodeSchema,
    counterparty: AgencyCodeSchema.nullable(),
    dueAt: z.iso.datetime(),
    previousDueAt: z.iso.datetime(),
    /** Still counted over a year without the State Council's notice (`provisionalYears`). */
    provisional: z.boolean(),
    provisionalYears: z.array(z.number().int()),
    status: z.enum(['open', 'warned', 'overdue']),
  }),
  'briefing.sent': z.object({
    briefingId: z.uuid(),
    referralId: z.uuid().nullable(),
    subject: z.string(),
    body: z.string(),
    recipients: z.array(AgencyCodeSchema),
  }),
  'ledger.integrity_broken': z.object({
    referralId: z.uuid(),
    seq: z.number().int(),
    reason: z.enum(['hash_mismatch', 'prev_hash_mismatch', 'seq_gap', 'head_mismatch']),
    region: z.string(),
    detectedAt: z.iso.datetime(),
  }),
  /** Issue 15: the hub's signed statement of every chain head, to each region's procuratorate and coordinator. */
  'hub.statement': z.object({
    statementId: z.string(),
    statement: z.object({
      type: z.literal('hub.sealed_statement'),
      reason: z.enum(['periodic', 'yearly_report']),
      sealedAt: z.iso.datetime(),
      size: z.number().int().min(0),
      root: z.string().regex(/^[0-9a-f]{64}$/),
      hubKeyId: z.string(),
    }),
    signature: z.object({ alg: z.enum(['sm2', 'ed25519']), keyId: z.string(), signature: z.string() }),
  }),
  'command.rejected': z.object({
    rejectedMessageId: z.string().nullable(),
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
};

/** Agency → hub commands, published to the hub.commands exchange and consumed from hub.inbound. */
export const COMMAND_TYPES = {
  'command.submit': SubmissionSchema,
  'command.action': ActionCommandSchema,
  'command.brief': BriefingSchema,
  'command.ack': z.strictObject({ messageIds: z.array(z.uuid()).min(1).max(1000) }),
} as const;

export type CommandType = keyof typeof COMMAND_TYPES;

/**
 * A command may carry the agency's signature (issue 15) over the RFC 8785 JSON of the envelope as sent,
 * without this member.
 */
/** A command is addressed to the hub: one addressed to an agency was meant for another system, not taken. */
const CommandBaseSchema = EnvelopeBaseSchema.extend({
  recipient: z.literal(HUB, { error: `a command is addressed to "${HUB}"` }),
  signature: CommandSignatureSchema.optional(),
});

export const CommandEnvelopeSchema = z.discriminatedUnion('type', [
  CommandBaseSchema.extend({ type: z.literal('command.submit'), payload: COMMAND_TYPES['command.submit'] }),
  CommandBaseSchema.extend({
    type: z.literal('command.action'),
    referralId: z.uuid(),
    payload: COMMAND_TYPES['command.action'],
  }),
  CommandBaseSchema.extend({ type: z.literal('command.brief'), payload: COMMAND_TYPES['command.brief'] }),
  CommandBaseSchema.extend({ type: z.literal('command.ack'), payload: COMMAND_TYPES['command.ack'] }),
]);
export type CommandEnvelope = z.infer<typeof CommandEnvelopeSchema>;

export type ParseResult<T> =
  /** `json`: the message as sent (what a signature covers), before the schema parsed it. */
  | { ok: true; value: T; json: unknown }
  | {
      ok: false;
      /** TEXT_INVALID when a text field holds a refused character, else MESSAGE_INVALID. */
      code: 'MESSAGE_INVALID' | 'TEXT_INVALID';
      message: string;
      issues: { path: string; message: string }[];
      text?: TextFault & { path: string };
    };

/** Parsing a message is a result, not an exception: a bad message is normal input. */
export function parseCommand(raw: Buffer | string): ParseResult<CommandEnvelope> {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return {
      ok: false,
      code: 'MESSAGE_INVALID',
      message: 'not JSON',
      issues: [{ path: '', message: 'not JSON' }],
    };
  }
  const parsed = CommandEnvelopeSchema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data, json };
  const issues = parsed.error.issues.map((i) => ({
    path: i.path.join('.'),
    message: i.message,
    text: i.code === 'custom' ? textIssueParams(i.params) : undefined,
  }));
  const text = issues.find((i) => i.text);
  const listed = issues.slice(0, 20).map(({ path, message }) => ({ path, message }));
  if (text?.text) {
    return {
      ok: false,
      code: 'TEXT_INVALID',
      message: `${text.path}: ${text.message}`,
      issues: listed,
      text: { path: text.path, ...text.text },
    };
  }
  return {
    ok: false,
    code: 'MESSAGE_INVALID',
    message: 'the message does not match its schema',
    issues: listed,
  };
}
