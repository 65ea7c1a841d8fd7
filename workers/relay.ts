import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { crashPoint } from '../db/crash-point.js';
import type { AgencyDirectory } from '../db/directory.js';
import type { Logger } from '../db/logger.js';
import type { HubMetrics } from '../db/metrics.js';
import type { Config } from '../schemas/config.js';
import { backoffMs } from './connection.js';
import { declareInbox, declareTopology, hubTopology, inboxQueue } from './topology.js';

type Claimed = { id: string; message_id: string; recipient_code: string; type: string; envelope: unknown };

/**
 * Outbox → RabbitMQ. Claims a batch with a lease (SKIP LOCKED, so several relays share the work),
 * publishes persistent messages, waits for the broker's confirms for the whole batch, then marks the rows
 * published. A relay that dies mid-batch leaves its lease to expire; the rows are published again and the
 * consumers de-duplicate by messageId (at-least-once delivery, exactly-once effect).
 */
export class Relay {
  private channel: ConfirmChannel | undefined;
  private declared = new Set<string>();
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly directory: AgencyDirectory,
    private readonly config: Config,
    private readonly metrics: HubMetrics,
    private readonly log: Logger,
  ) {}

  /** Called by the AMQP session on every (re)connection. */
  async attach(connection: ChannelModel): Promise<void> {
    const channel = await connection.createConfirmChannel();
    channel.on('error', (error: Error) => this.log.warn({ err: error.message }, 'relay channel error'));
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    await declareTopology(channel, hubTopology(this.config.AMQP_PREFIX, this.config.DELIVERY_LIMIT));
    this.declared.clear();
    // Every AMQP agency's inbox exists before its first message, so that it can start consuming at once.
    for (const agency of await this.directory.list()) {
      if (agency.delivery === 'amqp') await this.ensureInbox(channel, agency.code);
    }
    this.channel = channel;
    this.nudge();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Stops claiming; the batch in flight is finished (published and marked) before this resolves. */
  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loopDone;
  }

  /** Wakes the loop now (the gateway calls it after a commit when both run in one process). */
  nudge(): void {
    this.wake?.();
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const sent = this.channel ? await this.relayBatch(this.channel) : 0;
        failures = 0;
        if (sent < this.config.RELAY_BATCH_SIZE) {
          const nudged = await this.idle(this.channel ? this.config.RELAY_POLL_MS : 200);
          // Woken by a commit: linger a moment so that the next claim takes a batch, not one message
          // (every round trip to PostgreSQL and RabbitMQ costs more here than the bytes it carries).
          if (nudged && this.running)
            await new Promise((resolve) => setTimeout(resolve, this.config.RELAY_LINGER_MS));
        }
      } catch (error) {
        failures++;
        this.log.warn({ err: (error as Error).message, failures }, 'relay batch failed; backing off');
        await this.idle(backoffMs(failures));
      }
    }
  }

  /** Sleeps until `ms` pass (false) or a nudge comes (true). */
  private idle(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), ms);
      const done = (nudged: boolean) => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(nudged);
      };
      this.wake = () => done(true);
    });
  }

  /** One claim–publish–mark round; returns how many messages it published. */
  async relayBatch(channel: ConfirmChannel): Promise<number> {
    const { rows } = await sql<Claimed>`
      UPDATE outbox SET claimed_until = now() + make_interval(secs => ${this.config.RELAY_LEASE_MS / 1000}),
        attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM outbox
        WHERE status = 'queued' AND channel = 'amqp' AND (claimed_until IS NULL OR claimed_until < now())
        ORDER BY id LIMIT ${this.config.RELAY_BATCH_SIZE}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, message_id, recipient_code, type, envelope`.execute(this.db);
    if (rows.length === 0) return 0;
    rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
    const exchange = `${this.config.AMQP_PREFIX}hub`;
    for (const row of rows) {
      await this.ensureInbox(channel, row.recipient_code);
      const envelope = row.envelope as { correlationId?: string | null; occurredAt?: string };
      const ok = channel.publish(exchange, row.recipient_code, Buffer.from(JSON.stringify(row.envelope)), {
        persistent: true,
        messageId: row.message_id,
        type: row.type,
        contentType: 'application/json',
        correlationId: envelope.correlationId ?? undefined,
        timestamp: Math.floor(Date.now() / 1000),
        appId: 'referral-hub',
      });
      if (!ok) await new Promise((resolve) => channel.once('drain', resolve));
    }
    await channel.waitForConfirms();
    crashPoint(this.config, 'relay.after_publish');
    await sql`
      UPDATE outbox SET status = 'published', published_at = now(), claimed_until = NULL
      WHERE id = ANY(${rows.map((r) => r.id)}::bigint[]) AND status = 'queued'`.execute(this.db);
    this.metrics.messagesPublished.inc(rows.length);
    return rows.length;
  }

  private async ensureInbox(channel: ConfirmChannel, agencyCode: string): Promise<void> {
    if (this.declared.has(agencyCode)) return;
    await declareInbox(channel, inboxQueue(this.config.AMQP_PREFIX, agencyCode, this.config.DELIVERY_LIMIT));
    this.declared.add(agencyCode);
  }
}
