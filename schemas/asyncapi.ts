import { hubTopology, inboxQueue } from './amqp-topology.js';
import { AMQP_BINDING_VERSION, buildMessages, DEAD_LETTER } from './asyncapi-messages.js';
import type { Config } from './config.js';

const SERVER = 'broker';
const refs = (path: string, keys: string[]) =>
  Object.fromEntries(keys.map((k) => [k, { $ref: `${path}/${k}` }]));
const list = (path: string, keys: string[]) => keys.map((k) => ({ $ref: `${path}/${k}` }));

function found<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is not in the topology`);
  return value;
}

/**
 * The AsyncAPI 3.0 document of every message the hub sends and takes, generated from the zod catalogue
 * (schemas/messages.ts) and the topology (schemas/amqp-topology.ts), so that neither is retyped here.
 * Operations are the hub's; each description says what the agency's system does on the other end.
 */
export function buildAsyncApi(config: Pick<Config, 'AMQP_PREFIX' | 'DELIVERY_LIMIT'>) {
  const prefix = config.AMQP_PREFIX;
  const { names, exchanges, queues } = hubTopology(prefix, config.DELIVERY_LIMIT);
  const inbox = inboxQueue(prefix, '{agency}', config.DELIVERY_LIMIT);
  const exchange = (name: string) => {
    const { type, options } = found(
      exchanges.find((e) => e.name === name),
      name,
    );
    return { name, type, durable: options.durable, autoDelete: false };
  };
  const queue = (
    name: string,
    options = found(
      queues.find((q) => q.name === name),
      name,
    ).options,
  ) => ({
    name,
    durable: options.durable,
    exclusive: false,
    autoDelete: false,
  });
  const argumentsOf = (name: string) =>
    found(
      queues.find((q) => q.name === name),
      name,
    ).options.arguments;
  const { messages, notifications, commands, tags } = buildMessages();

  return {
    asyncapi: '3.0.0',
    id: 'urn:referral-hub:messages',
    info: {
      title: 'Referral hub (两法衔接) messages',
      version: '1.0.0',
      description:
        'What the referral hub sends to agency systems and takes from them over RabbitMQ. Every message is ' +
        'a JSON envelope `{messageId, type, referralId, sender, recipient, occurredAt, correlationId, ' +
        'causationId, payload}`; messages are persistent and delivered at least once, so de-duplicate by ' +
        '`messageId`. The same notifications can be pulled over HTTP (`GET /v1/inbox`, see `/docs/json`).',
      contact: { name: 'The referral hub operator of your region' },
      // The project is private (package.json) and grants no licence.
      license: { name: 'All rights reserved' },
      tags: Object.values(tags),
    },
    defaultContentType: 'application/json',
    servers: {
      [SERVER]: {
        host: '{host}',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        title: 'RabbitMQ broker of the hub',
        description:
          (prefix
            ? `Every exchange and queue name begins with the prefix \`${prefix}\` (AMQP_PREFIX). `
            : 'Exchange and queue names have no prefix (AMQP_PREFIX is empty). ') +
          'The virtual host is the path of the URL the operator gives you. Connect as your agency’s own ' +
          'RabbitMQ user (`hub amqp-provision <code>`): it may publish only to ' +
          `\`${names.commands}\` and read only \`${inbox.name.replace('{agency}', '<code>')}\`.`,
        variables: {
          host: {
            default: 'localhost:5672',
            description: 'host:port of the broker, or of any node of its cluster; ask the hub operator.',
          },
        },
        security: [{ $ref: '#/components/securitySchemes/agencyUser' }],
      },
    },
    channels: {
      agencyInbox: {
        address: inbox.name,
        title: 'Agency inbox',
        description:
          `One agency’s quorum queue, bound to the direct exchange \`${inbox.exchange}\` with the agency ` +
          'code as routing key (`x-bound-to`). Messages the agency does not ack are redelivered and, after ' +
          `the delivery limit, dead-lettered to \`${names.dlx}\`.`,
        parameters: { agency: { description: 'The agency code, e.g. `pol-a`.', examples: ['pol-a'] } },
        servers: [{ $ref: `#/servers/${SERVER}` }],
        messages: refs('#/components/messages', notifications),
        bindings: {
          amqp: {
            is: 'queue',
            queue: queue(inbox.name, inbox.options),
            'x-arguments': inbox.options.arguments,
            'x-bound-to': { exchange: exchange(inbox.exchange), routingKey: inbox.routingKey },
            bindingVersion: AMQP_BINDING_VERSION,
          },
        },
      },
      hubCommands: {
        address: names.commands,
        title: 'Hub commands',
        description:
          `The fanout exchange agencies publish commands to (any routing key), bound to the hub’s quorum ` +
          `queue \`${names.inbound}\` (\`x-bound-queue\`), which the hub's intakes share.`,
        servers: [{ $ref: `#/servers/${SERVER}` }],
        messages: refs('#/components/messages', commands),
        bindings: {
          amqp: {
            is: 'routingKey',
            exchange: exchange(names.commands),
            'x-bound-queue': { ...queue(names.inbound), arguments: argumentsOf(names.inbound) },
            bindingVersion: AMQP_BINDING_VERSION,
          },
        },
      },
      deadLetters: {
        address: names.dead,
        title: 'Dead letters',
        description:
          `The quorum queue bound to the fanout exchange \`${names.dlx}\` (\`x-bound-to\`): refused commands ` +
          'and messages past the delivery limit. Nothing consumes it; operators list and replay it.',
        servers: [{ $ref: `#/servers/${SERVER}` }],
        messages: refs('#/components/messages', [DEAD_LETTER]),
        bindings: {
          amqp: {
            is: 'queue',
            queue: queue(names.dead),
            'x-arguments': argumentsOf(names.dead),
            'x-bound-to': { exchange: exchange(names.dlx), routingKey: '' },
            bindingVersion: AMQP_BINDING_VERSION,
          },
        },
      },
    },
    operations: {
      sendNotification: {
        action: 'send',
        channel: { $ref: '#/channels/agencyInbox' },
        title: 'Send a notification to an agency',
        summary: 'The hub tells each party of a referral step, a deadline, a briefing or a refused command.',
        description:
          `The hub publishes to \`${inbox.exchange}\` with the recipient’s code as routing key, persistent, ` +
          'with publisher confirms, after the step committed (outbox). For the agency this is a receive: ' +
          `consume \`${inbox.name.replace('{agency}', '<code>')}\` as your own user, ack each message once ` +
          'you hold it, and ignore a `messageId` you have already seen.',
        messages: list('#/channels/agencyInbox/messages', notifications),
        tags: [{ $ref: '#/components/tags/hub-to-agency' }],
        bindings: {
          amqp: { deliveryMode: 2, timestamp: true, ack: true, bindingVersion: AMQP_BINDING_VERSION },
        },
      },
      receiveCommand: {
        action: 'receive',
        channel: { $ref: '#/channels/hubCommands' },
        title: 'Receive a command from an agency',
        summary: 'The hub applies an agency’s command through the same command path as HTTP.',
        description:
          `For the agency this is a send: publish the envelope to \`${names.commands}\` with \`recipient\` ` +
          '`"hub"`, persistent, with the AMQP properties `user_id` = your RabbitMQ user (the broker ' +
          'checks it), `message_id`, `type` and `correlation_id` repeating the envelope. A command the hub ' +
          'cannot parse or may not apply is dead-lettered and you receive `command.rejected` in your inbox.',
        messages: list('#/channels/hubCommands/messages', commands),
        tags: [{ $ref: '#/components/tags/agency-to-hub' }],
        bindings: { amqp: { deliveryMode: 2, ack: true, bindingVersion: AMQP_BINDING_VERSION } },
      },
      sendDeadLetter: {
        action: 'send',
        channel: { $ref: '#/channels/deadLetters' },
        title: 'Set a message aside',
        summary: 'The hub dead-letters a command it refused, with the reason in headers.',
        description:
          'Not for agencies: operators read these with `hub dlq list` and replay them with `hub dlq replay`.',
        messages: list('#/channels/deadLetters/messages', [DEAD_LETTER]),
        tags: [{ $ref: '#/components/tags/dead-letters' }],
        bindings: { amqp: { deliveryMode: 2, bindingVersion: AMQP_BINDING_VERSION } },
      },
    },
    components: {
      messages,
      tags,
      correlationIds: {
        envelope: {
          description:
            'The envelope’s correlationId groups the messages of one conversation: the hub carries a ' +
            'command’s correlationId onto the notifications it causes, and otherwise uses the referral’s ' +
            '(or briefing’s) id. The AMQP correlation_id property repeats it.',
          location: '$message.payload#/correlationId',
        },
      },
      securitySchemes: {
        agencyUser: {
          type: 'userPassword',
          description:
            'Each agency’s own RabbitMQ user and password, created by the operator (`hub amqp-provision`).',
        },
      },
    },
  };
}

export function catalogueTypes(): { notifications: string[]; commands: string[] } {
  const { notifications, commands } = buildMessages();
  return { notifications: notifications.sort(), commands: commands.sort() };
}
