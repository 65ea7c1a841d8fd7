import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel } from 'amqplib';
import type { AmqpUser } from './e2e-setup.js';

const PREFETCH = 200;

export type PoliceSystem = {
  /** Epoch ms at which each referral's `referral.submitted` first arrived. */
  delivered: Map<string, number>;
  duplicates: number;
  /** `command.rejected` notices: a receipt the hub refused (should stay 0). */
  rejected: number;
  /** Receipts the broker nacked. */
  nacked: number;
  /** Waits for the broker to confirm every receipt published so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
};

/**
 * The police agency's own system: consumes its inbox as its own RabbitMQ user, and answers each transfer
 * with a `receipt` command to hub.commands (user_id = its login, which the broker checks).
 */
export async function startPoliceSystem(
  amqpUrl: string,
  prefix: string,
  code: string,
  credentials: AmqpUser,
): Promise<PoliceSystem> {
  const connection = await connectAs(amqpUrl, credentials);
  const commands = await connection.createConfirmChannel();
  const inbox = await connection.createChannel();
  await inbox.prefetch(PREFETCH);
  const state = { duplicates: 0, rejected: 0, nacked: 0 };
  const delivered = new Map<string, number>();
  await inbox.consume(`${prefix}inbox.${code}`, (msg) => {
    if (!msg) return;
    const at = Date.now();
    const envelope = JSON.parse(msg.content.toString()) as {
      type: string;
      referralId: string;
      messageId: string;
    };
    inbox.ack(msg);
    if (envelope.type === 'command.rejected') state.rejected++;
    if (envelope.type !== 'referral.submitted') return;
    if (delivered.has(envelope.referralId)) {
      state.duplicates++;
      return;
    }
    delivered.set(envelope.referralId, at);
    const receipt = {
      messageId: randomUUID(),
      type: 'command.action',
      referralId: envelope.referralId,
      sender: code,
      recipient: 'hub',
      occurredAt: new Date(at).toISOString(),
      correlationId: envelope.referralId,
      causationId: envelope.messageId,
      payload: { action: 'receipt' },
    };
    // No wait per receipt: the broker confirms in batches (`multiple`), the callback only counts nacks.
    commands.publish(
      `${prefix}hub.commands`,
      '',
      Buffer.from(JSON.stringify(receipt)),
      {
        persistent: true,
        contentType: 'application/json',
        messageId: receipt.messageId,
        type: receipt.type,
        userId: credentials.user,
      },
      (error) => {
        if (error) state.nacked++;
      },
    );
  });
  return {
    delivered,
    get duplicates() {
      return state.duplicates;
    },
    get rejected() {
      return state.rejected;
    },
    get nacked() {
      return state.nacked;
    },
    flush: () => commands.waitForConfirms(),
    close: () => connection.close().catch(() => {}),
  };
}

/** Another agency's system that only reads (and acks) what reaches it, e.g. the procuratorate's copies. */
export async function startDrainingSystem(
  amqpUrl: string,
  prefix: string,
  code: string,
  credentials: AmqpUser,
): Promise<{ received: () => number; close(): Promise<void> }> {
  const connection = await connectAs(amqpUrl, credentials);
  const channel = await connection.createChannel();
  await channel.prefetch(PREFETCH);
  let received = 0;
  await channel.consume(`${prefix}inbox.${code}`, (msg) => {
    if (!msg) return;
    received++;
    channel.ack(msg);
  });
  return { received: () => received, close: () => connection.close().catch(() => {}) };
}

async function connectAs(amqpUrl: string, credentials: AmqpUser): Promise<ChannelModel> {
  const url = new URL(amqpUrl);
  url.username = encodeURIComponent(credentials.user);
  url.password = encodeURIComponent(credentials.password);
  return amqp.connect(url.toString());
}
