import { z } from 'zod';
import { COMMAND_TYPES, EnvelopeBaseSchema, NOTIFICATION_TYPES } from './messages.js';

function messageOf(type: string, payload: z.ZodType, summary: string) {
  const envelope = z.toJSONSchema(EnvelopeBaseSchema, { unrepresentable: 'any' }) as Record<string, any>;
  return {
    name: type,
    title: type,
    summary,
    contentType: 'application/json',
    payload: {
      ...envelope,
      properties: {
        ...envelope.properties,
        type: { const: type },
        payload: z.toJSONSchema(payload, { unrepresentable: 'any', io: 'input' }),
      },
    },
  };
}

/** The AsyncAPI document of every message the hub sends and takes, generated from the zod catalogue. */
export function buildAsyncApi(prefix = '') {
  const notifications = Object.fromEntries(
    Object.entries(NOTIFICATION_TYPES).map(([type, schema]) => [
      type,
      messageOf(type, schema, 'hub → agency'),
    ]),
  );
  const commands = Object.fromEntries(
    Object.entries(COMMAND_TYPES).map(([type, schema]) => [type, messageOf(type, schema, 'agency → hub')]),
  );
  return {
    asyncapi: '2.6.0',
    info: { title: 'Referral hub (两法衔接) messages', version: '1' },
    defaultContentType: 'application/json',
    channels: {
      [`${prefix}inbox.{agency}`]: {
        description:
          "An agency's own quorum queue, bound to exchange `hub` with the agency code as routing key.",
        parameters: { agency: { schema: { type: 'string' } } },
        subscribe: {
          message: { oneOf: Object.keys(notifications).map((t) => ({ $ref: `#/components/messages/${t}` })) },
        },
      },
      [`${prefix}hub.commands`]: {
        description: 'Fanout exchange into the hub.inbound queue; user_id must be the agency RabbitMQ user.',
        publish: {
          message: { oneOf: Object.keys(commands).map((t) => ({ $ref: `#/components/messages/${t}` })) },
        },
      },
    },
    components: { messages: { ...notifications, ...commands } },
  };
}

export function catalogueTypes(): { notifications: string[]; commands: string[] } {
  return {
    notifications: Object.keys(NOTIFICATION_TYPES).sort(),
    commands: Object.keys(COMMAND_TYPES).sort(),
  };
}
