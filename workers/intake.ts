import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { sql } from 'kysely';
import { applyCommand, type CommandContext } from '../db/command-path.js';
import { crashPoint } from '../db/crash-point.js';
import type { DirectoryAgency } from '../db/directory.js';
import { acknowledge } from '../db/inbox.js';
import type { Logger } from '../db/logger.js';
import type { HubMetrics } from '../db/metrics.js';
import { assertNever } from '../schemas/actions.js';
import type { Config } from '../schemas/config.js';
import { type ErrorCode, HubError, isHubError } from '../schemas/errors.js';
import { type CommandEnvelope, type Envelope, HUB, parseCommand } from '../schemas/messages.js';
import { backoffMs, sleep } from './connection.js';
import { declareTopology, hubTopology } from './topology.js';

/** Local retries of a transient failure (about a minute with backoff) before the broker redelivers. */
const LOCAL_RETRIES = 12;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * hub.inbound → the same command path as HTTP. The sender is the agency mapped from RabbitMQ's validated
 * `user_id` (the broker refuses a user_id that is not the connection's user). Every message ends in ack or
 * in the dead-letter queue with its reason; a transient failure is retried (nack) until the queue's
 * delivery limit dead-letters it.
 */
export class Intake {
  private consumeChannel: Channel | undefined;
  private dlqChannel: ConfirmChannel | undefined;
  private stopping = false;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly ctx: CommandContext,
    private readonly config: Config,
    private readonly metrics: HubMetrics,
    private readonly log: Logger,
  ) {}

  async attach(connection: ChannelModel): Promise<void> {
    const topology = hubTopology(this.config.AMQP_PREFIX, this.config.DELIVERY_LIMIT);
    const dlq = await connection.createConfirmChannel();
    await declareTopology(dlq, topology);
    const channel = await connection.createChannel();
    channel.on('error', (error: Error) => this.log.warn({ err: error.message }, 'intake channel error'));
    await channel.prefetch(this.config.INTAKE_PREFETCH);
    this.dlqChannel = dlq;
    this.consumeChannel = channel;
    await channel.consume(topology.names.inbound, (msg) => {
      // While stopping, a delivery is left unacked: closing the channel returns it to the queue.
      if (!msg || this.stopping) return;
      const work = this.handle(channel, msg).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    });
  }

  /**
   * Stops taking messages, waits until those in hand are acked or dead-lettered, then closes the channel,
   * which returns what was delivered but not started. Not basic.cancel: a quorum queue (RabbitMQ 3.10)
   * returns a cancelled consumer's unacknowledged messages, so acks sent after the cancel would be lost.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.consumeChannel?.close().catch(() => {});
  }

  private async handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.process(msg);
        crashPoint(this.config, 'intake.after_apply');
        channel.ack(msg);
        return;
      } catch (error) {
        // Not the client's fault (database down, broker hiccup). Retry here, holding the message, so that
        // an outage does not burn the queue's delivery limit; after that, or when stopping, hand it back.
        this.log.warn(
          { err: (error as Error).message, messageId: msg.properties.messageId, attempt },
          'intake retry',
        );
        this.metrics.messagesConsumed.inc({ outcome: 'retried' });
        if (this.stopping || attempt >= LOCAL_RETRIES) {
          try {
            channel.nack(msg, false, true);
          } catch {
            // The channel is gone; the broker requeues the unacked message itself.
          }
          return;
        }
        await sleep(backoffMs(attempt, 200, 5000));
      }
    }
  }

  private async process(msg: ConsumeMessage): Promise<void> {
    const userId: unknown = msg.properties.userId;
    const agency = typeof userId === 'string' ? await this.ctx.directory.byUser(userId) : undefined;
    if (!agency) {
      await this.deadLetter(msg, new HubError('SENDER_UNKNOWN', 'no agency is mapped to this user_id'));
      return;
    }
    const parsed = parseCommand(msg.content);
    if (!parsed.ok) {
      const error = parsed.text
        ? new HubError(parsed.code, parsed.message, { ...parsed.text })
        : new HubError(parsed.code, undefined, { issues: parsed.issues });
      await this.reject(msg, agency, error, null);
      return;
    }
    const command = parsed.value;
    if (command.sender !== agency.code) {
      const error = new HubError(
        'ACTOR_NOT_PERMITTED',
        'the envelope sender is not the authenticated agency',
        {
          sender: command.sender,
        },
      );
      await this.reject(msg, agency, error, command);
      return;
    }
    try {
      const outcome = await this.dispatch(agency, command);
      this.metrics.messagesConsumed.inc({
        outcome: outcome.status === 'duplicate' ? 'duplicate' : 'applied',
      });
    } catch (error) {
      if (!isHubError(error) || error.status >= 500) throw error;
      await this.reject(msg, agency, error, command);
    }
  }

  private async dispatch(agency: DirectoryAgency, command: CommandEnvelope): Promise<{ status: string }> {
    const dedup = { via: 'amqp' as const, messageId: command.messageId, type: command.type };
    const meta = { dedup, correlationId: command.correlationId, causationId: command.messageId };
    switch (command.type) {
      case 'command.submit':
        return applyCommand(this.ctx, agency, { type: 'submit', submission: command.payload }, meta);
      case 'command.action':
        return applyCommand(
          this.ctx,
          agency,
          { type: 'action', referralId: command.referralId, command: command.payload },
          meta,
        );
      case 'command.brief':
        return applyCommand(this.ctx, agency, { type: 'brief', briefing: command.payload }, meta);
      case 'command.ack':
        await acknowledge(this.ctx.db, agency.code, command.payload.messageIds);
        return { status: 'applied' };
      default:
        return assertNever(command);
    }
  }

  /** Dead-letters the message, then tells the sender why (once per message id). */
  private async reject(
    msg: ConsumeMessage,
    agency: DirectoryAgency,
    error: HubError,
    command: CommandEnvelope | null,
  ): Promise<void> {
    await this.deadLetter(msg, error, agency.code);
    const rejectedId =
      command?.messageId ?? (UUID.test(String(msg.properties.messageId)) ? msg.properties.messageId : null);
    const notice: Envelope = {
      messageId: randomUUID(),
      type: 'command.rejected',
      referralId: command?.referralId ?? null,
      sender: HUB,
      recipient: agency.code,
      occurredAt: this.ctx.clock().toISOString(),
      correlationId: command?.correlationId ?? null,
      causationId: rejectedId,
      payload: {
        rejectedMessageId: rejectedId,
        code: error.code,
        message: error.message,
        details: error.details,
      },
    };
    const channel = await this.ctx.directory.channelOf(agency.code);
    const json = JSON.stringify(notice);
    if (rejectedId) {
      // One notice per rejected message id, however often the broker redelivers it.
      await sql`
        WITH pm AS (
          INSERT INTO processed_messages (message_id, sender_code, type, outcome)
          VALUES (${rejectedId}, ${agency.code}, ${command?.type ?? 'unknown'}, 'rejected')
          ON CONFLICT DO NOTHING RETURNING message_id
        )
        INSERT INTO outbox (message_id, recipient_code, channel, type, referral_id, envelope)
        SELECT ${notice.messageId}, ${agency.code}, ${channel}, 'command.rejected', ${notice.referralId}, ${json}::jsonb
        FROM pm`.execute(this.ctx.db);
    } else {
      await sql`
        INSERT INTO outbox (message_id, recipient_code, channel, type, referral_id, envelope)
        VALUES (${notice.messageId}, ${agency.code}, ${channel}, 'command.rejected', NULL, ${json}::jsonb)`.execute(
        this.ctx.db,
      );
    }
  }

  private async deadLetter(msg: ConsumeMessage, error: HubError, sender?: string): Promise<void> {
    const channel = this.dlqChannel;
    if (!channel) throw new Error('dead-letter channel not open');
    const code: ErrorCode = error.code;
    channel.publish(`${this.config.AMQP_PREFIX}hub.dlx`, 'hub.inbound', msg.content, {
      // Not the original properties wholesale: re-publishing its user_id would be refused by the broker.
      messageId: msg.properties.messageId,
      type: msg.properties.type,
      contentType: msg.properties.contentType,
      correlationId: msg.properties.correlationId,
      timestamp: msg.properties.timestamp,
      persistent: true,
      headers: {
        'x-hub-user-id': msg.properties.userId ?? null,
        ...(msg.properties.headers ?? {}),
        'x-hub-reason-code': code,
        'x-hub-reason': error.message,
        'x-hub-details': JSON.stringify(error.details ?? {}),
        'x-hub-sender': sender ?? null,
        'x-hub-source-queue': `${this.config.AMQP_PREFIX}hub.inbound`,
        'x-hub-dead-lettered-at': new Date().toISOString(),
      },
    });
    await channel.waitForConfirms();
    this.metrics.deadLetters.inc({ code });
    this.metrics.messagesConsumed.inc({ outcome: 'dead_lettered' });
    this.log.info({ code, messageId: msg.properties.messageId, sender }, 'message dead-lettered');
  }
}
