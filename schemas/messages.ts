import { z } from 'zod';
import { ActionCommandSchema } from './actions.js';
import { AgencyCodeSchema } from './agency.js';
import { ErrorCodeSchema } from './error-code.js';
import { SubmissionSchema } from './referral.js';

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

const ReferralViewPayload = z.object({
  referralId: z.uuid(),
  kind: z.string(),
  state: z.string(),
  event: z.string(),
  /** The recipient's role in the referral: recipient, sender, or procuratorate (抄送 copy). */
  role: z.enum(['sender', 'recipient', 'procuratorate']),
  seq: z.number().int().positive(),
  hash: z.string(),
  actor: AgencyCodeSchema,
  data: z.record(z.string(), z.unknown()),
});

/** Hub → agency notifications. The type is `referral.<event>`. */
export const NOTIFICATION_TYPES = {
  'referral.submitted': ReferralViewPayload.extend({ event: z.literal('submitted') }),
  'referral.withdrawn': ReferralViewPayload.extend({ event: z.literal('withdrawn') }),
  'referral.receipted': ReferralViewPayload.extend({ event: z.literal('receipted') }),
  'command.rejected': z.object({
    rejectedMessageId: z.string().nullable(),
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
} as const;

/** Agency → hub commands, published to the hub.commands exchange and consumed from hub.inbound. */
export const COMMAND_TYPES = {
  'command.submit': SubmissionSchema,
  'command.action': ActionCommandSchema,
  'command.ack': z.strictObject({ messageIds: z.array(z.uuid()).min(1).max(1000) }),
} as const;

export type NotificationType = keyof typeof NOTIFICATION_TYPES;
export type CommandType = keyof typeof COMMAND_TYPES;

export const CommandEnvelopeSchema = z.discriminatedUnion('type', [
  EnvelopeBaseSchema.extend({ type: z.literal('command.submit'), payload: COMMAND_TYPES['command.submit'] }),
  EnvelopeBaseSchema.extend({
    type: z.literal('command.action'),
    referralId: z.uuid(),
    payload: COMMAND_TYPES['command.action'],
  }),
  EnvelopeBaseSchema.extend({ type: z.literal('command.ack'), payload: COMMAND_TYPES['command.ack'] }),
]);
export type CommandEnvelope = z.infer<typeof CommandEnvelopeSchema>;

export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; issues: { path: string; message: string }[] };

/** Parsing a message is a result, not an exception: a bad message is normal input. */
export function parseCommand(raw: Buffer | string): ParseResult<CommandEnvelope> {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, issues: [{ path: '', message: 'not JSON' }] };
  }
  const parsed = CommandEnvelopeSchema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
  };
}
