import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { messageSealHeaderText } from '../crypto/message-seal.js';
import type { Db } from '../db/connection.js';
import type { AgencyDirectory } from '../db/directory.js';
import { RelayClaim } from '../db/outbox.js';
import { crashPoint } from '../runtime/crash-point.js';
import type { HubSigner } from '../runtime/hub-signer.js';
import type { Logger } from '../runtime/logger.js';
import type { HubMetrics } from '../runtime/metrics.js';
import { type CanonicalText, canonicalJson } from '../schemas/canonical-json.js';
import type { Config } from '../schemas/config.js';
import { backoffMs } from './connection.js';
import { declareInbox, declareTopology, hubTopology, inboxQueue } from './topology.js';

/**
 * Outbox → RabbitMQ, one transaction per batch: claim (FOR UPDATE SKIP LOCKED, so several relays share
 * the work), publish persistent messages, wait for the broker's confirms for the batch, delete the rows and
 * record their delivery, commit. A relay that dies releases its claim with its connection, so another takes
 * the rows over at once; a crash after publishing sends that batch again, and the consumers de-duplicate by
 * messageId (at-least-once delivery, exactly-once effect).
 */
export class Relay {
  private channel: ConfirmChannel | undefined;
  private declared = new Set<string>();
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A commit nudged the relay while it was busy: there is work, claim again at once. */
  private nudgedWhileBusy = false;
  private readonly claim: RelayClaim;
  private readonly topology;

  constructor(
    db: Db,
    private readonly directory: AgencyDirectory,
    private readonly config: Config,
    private readonly metrics: HubMetrics,
    private readonly log: Logger,
    /** The hub's seal: every message it publishes carries its signature (issue 15). */
    private readonly signer?: () => Promise<HubSigner>,
  ) {
    this.claim = new RelayClaim(db);
    this.topology = hubTopology(config.AMQP_PREFIX, config.DELIVERY_LIMIT);
  }

  /** Called by the AMQP session on every (re)connection. */
  async attach(connection: ChannelModel): Promise<void> {
    const channel = await connection.createConfirmChannel();
    channel.on('error', (error: Error) => this.log.warn({ err: error.message }, 'relay channel error'));
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    await declareTopology(channel, this.topology);
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

  /** Stops claiming; the batch in flight is finished (published and recorded) before this resolves. */
  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loopDone;
    this.claim.release();
  }

  /** Wakes the loop now (the command path calls it after a commit when both run in one process). */
  nudge(): void {
    if (this.wake) this.wake();
    else this.nudgedWhileBusy = true;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        this.nudgedWhileBusy = false;
        const sent = this.channel ? await this.relayBatch(this.channel) : 0;
        failures = 0;
        // Commits while this batch was out: what they queued is waiting, and waiting longer only adds
        // latency (under load the batch filled up during the round).
        if (sent < this.config.RELAY_BATCH_SIZE && !(this.nudgedWhileBusy && sent > 0)) {
          const nudged = await this.idle(this.channel ? this.config.RELAY_POLL_MS : 200);
          // Woken from idle by a commit: linger a moment so that the next claim takes a batch, not one
          // message (every round trip to PostgreSQL and RabbitMQ costs more here than the bytes it carries).
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

  /** One claim–publish–confirm–record round; returns how many messages it published. */
  async relayBatch(channel: ConfirmChannel): Promise<number> {
    const started = performance.now();
    let rows: Awaited<ReturnType<RelayClaim['claim']>>;
    try {
      rows = await this.claim.claim(this.config.RELAY_BATCH_SIZE);
    } catch (error) {
      this.claim.release(true);
      throw error;
    }
    this.metrics.relayClaimSeconds.observe((performance.now() - started) / 1000);
    if (rows.length === 0) return 0;
    try {
      // Nothing leaves unsealed: without the key (the database was down at start) the batch waits.
      const signer = await this.signer?.();
      const timestamp = Math.floor(Date.now() / 1000);
      // One signature for the batch; each message carries it with its inclusion proof.
      const seals = signer?.sealCanonicalTexts(rows.map((row) => canonicalBody(row.body)));
      for (const [i, row] of rows.entries()) {
        await this.ensureInbox(channel, row.recipient_code);
        const ok = channel.publish(this.topology.names.hub, row.recipient_code, Buffer.from(row.body), {
          persistent: true,
          messageId: row.message_id,
          type: row.type,
          contentType: 'application/json',
          correlationId: row.correlation_id ?? undefined,
          timestamp,
          appId: 'referral-hub',
          ...(seals?.[i] ? { headers: { 'hub-signature': messageSealHeaderText(seals[i]) } } : {}),
        });
        if (!ok) await new Promise((resolve) => channel.once('drain', resolve));
      }
      await channel.waitForConfirms();
      crashPoint(this.config, 'relay.after_publish');
      await this.claim.complete(rows.map((r) => r.id));
    } catch (error) {
      await this.claim.abandon();
      this.claim.release(true);
      throw error;
    }
    this.metrics.messagesPublished.inc(rows.length);
    this.metrics.relayBatch.observe(rows.length);
    return rows.length;
  }

  private async ensureInbox(channel: ConfirmChannel, agencyCode: string): Promise<void> {
    if (this.declared.has(agencyCode)) return;
    await declareInbox(channel, inboxQueue(this.config.AMQP_PREFIX, agencyCode, this.config.DELIVERY_LIMIT));
    this.declared.add(agencyCode);
  }
}

/**
 * The envelope's canonical text. Every envelope the hub writes is canonical (schemas/envelopes.ts: members
 * in sorted order, so it opens with `causationId`); one queued by an earlier version (members in header
 * order) is canonicalized here, so that its seal still verifies.
 */
function canonicalBody(body: string): CanonicalText {
  return body.startsWith('{"causationId":') ? (body as CanonicalText) : canonicalJson(JSON.parse(body));
}
