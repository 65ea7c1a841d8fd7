import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { recordFailure } from '../db/command-failures.js';
import type { CommandPath } from '../db/command-path.js';
import type { Db } from '../db/connection.js';
import { recordRejection } from '../db/dedup.js';
import type { AgencyDirectory, DirectoryAgency } from '../db/directory.js';
import { classifyFailure } from '../db/errors.js';
import { acknowledge } from '../db/outbox.js';
import { crashPoint } from '../runtime/crash-point.js';
import type { Logger } from '../runtime/logger.js';
import type { HubMetrics } from '../runtime/metrics.js';
import { commandOf } from '../schemas/commands.js';
import type { Config } from '../schemas/config.js';
import { HubError } from '../schemas/errors.js';
import { type CommandEnvelope, parseCommand } from '../schemas/messages.js';
import { rejectionNotice } from '../schemas/rejections.js';
import { backoffMs, sleep } from './connection.js';
import { deadLetterHeaders } from './dead-letter-headers.js';
import { declareTopology, hubTopology } from './topology.js';

/** A bug does not go away by retrying: after this many tries the command is dead-lettered with the reason. */
const BUG_ATTEMPTS = 3;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * hub.inbound → the one command path. The sender is the agency mapped from RabbitMQ's validated `user_id`
 * (the broker refuses a user_id that is not the connection's user). Every message ends applied, or
 * dead-lettered with its reason and its sender told (`command.rejected`); what failed is decided in one
 * place (db/errors.ts): the client's fault is refused at once, an outage is waited out holding the message,
 * a bug is tried a few times and then dead-lettered with the reason.
 */
export class Intake {
  private consumeChannel: Channel | undefined;
  private dlqChannel: ConfirmChannel | undefined;
  private stopping = false;
  private inFlight = new Set<Promise<void>>();
  private readonly topology;

  private readonly commands: CommandPath;
  private readonly directory: AgencyDirectory;
  private readonly db: Db;
  private readonly clock: () => Date;

  constructor(
    deps: { commands: CommandPath; directory: AgencyDirectory; db: Db; clock: () => Date },
    private readonly config: Config,
    private readonly metrics: HubMetrics,
    private readonly log: Logger,
  ) {
    this.commands = deps.commands;
    this.directory = deps.directory;
    this.db = deps.db;
    this.clock = deps.clock;
    this.topology = hubTopology(config.AMQP_PREFIX, config.DELIVERY_LIMIT);
  }

  async attach(connection: ChannelModel): Promise<void> {
    const dlq = await connection.createConfirmChannel();
    await declareTopology(dlq, this.topology);
    const channel = await connection.createChannel();
    channel.on('error', (error: Error) => this.log.warn({ err: error.message }, 'intake channel error'));
    await channel.prefetch(this.config.INTAKE_PREFETCH);
    this.dlqChannel = dlq;
    this.consumeChannel = channel;
    await channel.consume(this.topology.names.inbound, (msg) => {
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
    let bugs = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.process(msg, bugs >= BUG_ATTEMPTS);
        crashPoint(this.config, 'intake.after_apply');
        channel.ack(msg);
        return;
      } catch (error) {
        const failure = classifyFailure(error);
        if (failure.kind === 'bug') bugs++;
        this.log.warn(
          { err: (error as Error).message, kind: failure.kind, messageId: msg.properties.messageId, attempt },
          'intake retry',
        );
        this.metrics.messagesConsumed.inc({ outcome: 'retried' });
        await recordFailure(this.db, {
          messageId: String(msg.properties.messageId ?? ''),
          sender: typeof msg.properties.userId === 'string' ? msg.properties.userId : null,
          type: typeof msg.properties.type === 'string' ? msg.properties.type : null,
          error: `${failure.error.code}: ${(error as Error).message}`,
        });
        // An outage is waited out here, holding the message, so that it does not burn the queue's delivery
        // limit; only a stop hands it back.
        if (this.stopping) {
          try {
            channel.nack(msg, false, true);
          } catch {
            // The channel is gone; the broker requeues the unacked message itself.
          }
          return;
        }
        await sleep(backoffMs(Math.min(attempt, 8), 200, 5000));
      }
    }
  }

  /** Applies the message, or refuses it; throws only what may pass (an outage, a bug not yet given up on). */
  private async process(msg: ConsumeMessage, givenUp: boolean): Promise<void> {
    const userId: unknown = msg.properties.userId;
    const agency = typeof userId === 'string' ? await this.directory.byUser(userId) : undefined;
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
    const envelope = parsed.value;
    if (envelope.sender !== agency.code) {
      const error = new HubError(
        'ACTOR_NOT_PERMITTED',
        'the envelope sender is not the authenticated agency',
        {
          sender: envelope.sender,
        },
      );
      await this.reject(msg, agency, error, envelope);
      return;
    }
    try {
      const meaning = commandOf(envelope, parsed.json);
      if (meaning.kind === 'ack') {
        await acknowledge(this.db, agency.code, meaning.messageIds);
        this.metrics.messagesConsumed.inc({ outcome: 'applied' });
        return;
      }
      const dedup = {
        via: 'amqp' as const,
        messageId: envelope.messageId,
        sender: agency.code,
        type: envelope.type,
      };
      const outcome = await this.commands.execute(agency, meaning.command, meaning.meta, dedup);
      this.metrics.messagesConsumed.inc({
        outcome: outcome.status === 'duplicate' ? 'duplicate' : 'applied',
      });
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure.kind === 'refused' || (failure.kind === 'bug' && givenUp)) {
        if (failure.kind === 'bug')
          this.log.error({ err: (error as Error).message }, 'command failed; dead-lettered');
        await this.reject(msg, agency, failure.error, envelope);
        return;
      }
      throw error;
    }
  }

  /** Tells the sender why (once per message id), then dead-letters the message with the reason. */
  private async reject(
    msg: ConsumeMessage,
    agency: DirectoryAgency,
    error: HubError,
    envelope: CommandEnvelope | null,
  ): Promise<void> {
    const rejectedId =
      envelope?.messageId ?? (UUID.test(String(msg.properties.messageId)) ? msg.properties.messageId : null);
    const notice = rejectionNotice({
      messageId: randomUUID(),
      agency: agency.code,
      channel: agency.delivery,
      rejectedMessageId: rejectedId,
      referralId: envelope?.referralId ?? null,
      correlationId: envelope?.correlationId ?? null,
      error,
      now: this.clock(),
    });
    await recordRejection(
      this.db,
      { messageId: rejectedId, sender: agency.code, type: envelope?.type ?? 'unknown' },
      notice,
    );
    await this.deadLetter(msg, error, agency.code);
  }

  private async deadLetter(msg: ConsumeMessage, error: HubError, sender?: string): Promise<void> {
    const channel = this.dlqChannel;
    if (!channel) throw new Error('dead-letter channel not open');
    channel.publish(this.topology.names.dlx, 'hub.inbound', msg.content, {
      // Not the original properties wholesale: re-publishing its user_id would be refused by the broker.
      messageId: msg.properties.messageId,
      type: msg.properties.type,
      contentType: msg.properties.contentType,
      correlationId: msg.properties.correlationId,
      timestamp: msg.properties.timestamp,
      persistent: true,
      headers: deadLetterHeaders(msg, error, sender ?? null, this.topology.names.inbound),
    });
    await channel.waitForConfirms();
    this.metrics.deadLetters.inc({ code: error.code });
    this.metrics.messagesConsumed.inc({ outcome: 'dead_lettered' });
    this.log.info({ code: error.code, messageId: msg.properties.messageId, sender }, 'message dead-lettered');
  }
}
