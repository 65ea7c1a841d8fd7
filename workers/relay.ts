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
  private loopsDone: Promise<void>[] = [];
  /** Lanes sleeping until a nudge or their poll. */
  private readonly sleepers = new Set<() => void>();
  /** Nudges so far: a lane that sees it moved during its batch knows commits queued work meanwhile. */
  private nudges = 0;
  /** One claim per lane: each lane has a batch out at a time, each in its own transaction. */
  private readonly claims: RelayClaim[];
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
    this.claims = Array.from({ length: config.RELAY_LANES }, () => new RelayClaim(db));
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
    this.loopsDone = this.claims.map((claim) => this.loop(claim));
  }

  /** Stops claiming; the batches in flight are finished (published and recorded) before this resolves. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of [...this.sleepers]) wake();
    await Promise.all(this.loopsDone);
    for (const claim of this.claims) claim.release();
  }

  /** Wakes the lanes now (the command path calls it after a commit when both run in one process). */
  nudge(): void {
    this.nudges++;
    for (const wake of [...this.sleepers]) wake();
  }

  /**
   * One lane: claim, publish, wait for the confirms, record, again. Lanes share the channel and split the
   * work by their claims (SKIP LOCKED); a message waits while an earlier one to the same agency about the
   * same referral is still in the outbox, claimed by another lane or not, so per-referral order holds.
   */
  private async loop(claim: RelayClaim): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const nudgesBefore = this.nudges;
        const sent = this.channel ? await this.relayBatch(this.channel, claim) : 0;
        failures = 0;
        // Sleep only after a round that found nothing while nothing was committed. A round that sent
        // something may have freed what it held back (a later message to the same agency about the same
        // referral waits for the earlier one), which no commit will announce; and a commit during the round
        // — its notification found this lane awake — queued work that waiting would only delay (under load
        // the next batch filled up during the round).
        if (sent === 0 && this.nudges === nudgesBefore) {
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
        this.sleepers.delete(wake);
        resolve(nudged);
      };
      const wake = () => done(true);
      this.sleepers.add(wake);
    });
  }

  /** One claim–publish–confirm–record round; returns how many messages it published. */
  private async relayBatch(channel: ConfirmChannel, claim: RelayClaim): Promise<number> {
    const started = performance.now();
    let rows: Awaited<ReturnType<RelayClaim['claim']>>;
    try {
      rows = await claim.claim(this.config.RELAY_BATCH_SIZE);
    } catch (error) {
      claim.release(true);
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
      // This batch's own confirms (another lane's batch shares the channel, so not waitForConfirms).
      const confirms: Promise<void>[] = [];
      for (const [i, row] of rows.entries()) {
        await this.ensureInbox(channel, row.recipient_code);
        let ok = true;
        const confirmed = new Promise<void>((resolve, reject) => {
          ok = channel.publish(
            this.topology.names.hub,
            row.recipient_code,
            Buffer.from(row.body),
            {
              persistent: true,
              messageId: row.message_id,
              type: row.type,
              contentType: 'application/json',
              correlationId: row.correlation_id ?? undefined,
              timestamp,
              appId: 'referral-hub',
              ...(seals?.[i] ? { headers: { 'hub-signature': messageSealHeaderText(seals[i]) } } : {}),
            },
            (error) => (error ? reject(error) : resolve()),
          );
        });
        // Handled here too: if a later publish of the batch throws, Promise.all below is never reached.
        confirmed.catch(() => {});
        confirms.push(confirmed);
        if (!ok) await new Promise((resolve) => channel.once('drain', resolve));
      }
      await Promise.all(confirms);
      crashPoint(this.config, 'relay.after_publish');
      await claim.complete(rows.map((r) => r.id));
    } catch (error) {
      await claim.abandon();
      claim.release(true);
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
