import { z } from 'zod';
import { DeadLetterHeadersSchema } from './dead-letter.js';
import { COMMAND_TYPES, CommandEnvelopeSchema, EnvelopeBaseSchema, NOTIFICATION_TYPES } from './messages.js';

export const AMQP_BINDING_VERSION = '0.3.0';

export type Direction = 'notification' | 'command';

/** The message that wraps anything dead-lettered; not a message type of the catalogue. */
export const DEAD_LETTER = 'deadLetter';

const DIRECTION_TAGS = {
  notification: { name: 'hub-to-agency', description: 'Notifications the hub sends to an agency inbox.' },
  command: { name: 'agency-to-hub', description: 'Commands an agency system sends to the hub.' },
} as const satisfies Record<Direction, { name: string; description: string }>;

/** Words for the families we know; a new family still gets a tag, with a plain description. */
const FAMILY_DESCRIPTIONS: Record<string, string> = {
  referral: 'A step on a referral’s hash-chained ledger; `payload.data` holds the action’s fields.',
  deadline: 'A legal deadline (a duty) reached its warning time or passed unmet.',
  briefing: 'A case briefing (案情通报) sent to named recipients.',
  command: 'Commands to the hub, and the hub’s refusal of one.',
};

const familyOf = (type: string) => type.split('.')[0] ?? type;

/** `referral.decline_upheld` → `Referral decline upheld`. */
function titleOf(type: string): string {
  const words = type.replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A JSON Schema (draft-07, the base of AsyncAPI's schema format) of a zod schema. Commands are what the hub
 * parses (`input`: defaults may be left out); notifications are what it writes (`output`).
 */
function jsonSchemaOf(schema: z.ZodType, direction: Direction): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, {
    target: 'draft-7',
    unrepresentable: 'any',
    io: direction === 'command' ? 'input' : 'output',
  });
  return json;
}

/** The whole envelope of one type: commands as the intake parses them (`command.action` needs a referralId). */
function envelopeOf(type: string, payload: z.ZodType, direction: Direction): z.ZodType {
  const parsed = CommandEnvelopeSchema.options.find((option) => option.shape.type.value === type);
  if (direction === 'command' && parsed) return parsed;
  return EnvelopeBaseSchema.extend({ type: z.literal(type), payload });
}

/**
 * The headers of every message the hub sends (workers/relay.ts): its seal (issue 15), one signature per
 * batch with this message's inclusion proof; the quorum queue adds `x-delivery-count` on redelivery.
 */
const HubMessageHeadersSchema = z.looseObject({
  'hub-signature': z
    .string()
    .describe(
      "the hub's seal: `alg=…, keyId=…, signature=…, root=…, index=…, size=…, proof=h1.h2…` — a signature over " +
        '`{"root","size","type":"hub.message_batch"}` (RFC 8785) and this envelope\'s RFC 9162 inclusion proof ' +
        "under root (leaf: SHA-256 of 0x00 ‖ the envelope's RFC 8785 bytes); keys at GET /v1/hub-keys",
    ),
  'x-delivery-count': z.number().int().optional().describe('set by the quorum queue on a redelivery'),
});

function messageOf(type: string, payload: z.ZodType, direction: Direction) {
  const family = familyOf(type);
  return {
    name: type,
    title: titleOf(type),
    summary:
      direction === 'notification'
        ? `Hub → agency: \`${type}\` in the agency's inbox.`
        : `Agency → hub: \`${type}\`, applied by the hub's one command path.`,
    description: FAMILY_DESCRIPTIONS[family] ?? `A \`${family}.*\` message.`,
    contentType: 'application/json',
    correlationId: { $ref: '#/components/correlationIds/envelope' },
    tags: [
      { $ref: `#/components/tags/${DIRECTION_TAGS[direction].name}` },
      { $ref: `#/components/tags/${family}` },
    ],
    ...(direction === 'notification'
      ? { headers: jsonSchemaOf(HubMessageHeadersSchema, 'notification') }
      : {}),
    payload: jsonSchemaOf(envelopeOf(type, payload, direction), direction),
    // AMQP properties repeat the envelope's type, messageId and correlationId (workers/relay.ts).
    bindings: { amqp: { messageType: type, bindingVersion: AMQP_BINDING_VERSION } },
  };
}

function deadLetterMessage() {
  return {
    name: DEAD_LETTER,
    title: 'Dead letter',
    summary: 'A command the hub refused, or a message redelivered past the delivery limit.',
    description:
      'The body is the original message, unchanged (it may not even be JSON); the headers say why it is ' +
      'here. Operators read them with `hub dlq list` and apply them again with `hub dlq replay`.',
    // Whatever was published, byte for byte: a refused command is often not JSON at all.
    contentType: 'application/octet-stream',
    tags: [{ $ref: '#/components/tags/dead-letters' }],
    headers: jsonSchemaOf(DeadLetterHeadersSchema, 'notification'),
    payload: { description: 'The original message body, as it was published.' },
    bindings: { amqp: { bindingVersion: AMQP_BINDING_VERSION } },
  };
}

/** Every message of the catalogue, keyed by type, and the dead letter; a new type appears by itself. */
export function buildMessages() {
  const notifications = Object.entries(NOTIFICATION_TYPES).map(
    ([type, schema]) => [type, messageOf(type, schema, 'notification')] as const,
  );
  const commands = Object.entries(COMMAND_TYPES).map(
    ([type, schema]) => [type, messageOf(type, schema, 'command')] as const,
  );
  const families = [...new Set([...notifications, ...commands].map(([type]) => familyOf(type)))];
  return {
    notifications: notifications.map(([type]) => type),
    commands: commands.map(([type]) => type),
    messages: Object.fromEntries([...notifications, ...commands, [DEAD_LETTER, deadLetterMessage()]]),
    tags: Object.fromEntries([
      ...Object.values(DIRECTION_TAGS).map((tag) => [tag.name, tag]),
      ['dead-letters', { name: 'dead-letters', description: 'Messages the hub set aside, with the reason.' }],
      ...families.map((name) => [
        name,
        { name, description: FAMILY_DESCRIPTIONS[name] ?? `Messages of type \`${name}.*\`.` },
      ]),
    ]),
  };
}
