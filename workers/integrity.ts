import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connection.js';
import type { AgencyDirectory } from '../db/directory.js';
import {
  type FoundBreak,
  followLedger,
  recordBreaks,
  setSweepPosition,
  sweepChunk,
  sweepPosition,
} from '../db/integrity.js';
import { enqueue } from '../db/outbox.js';
import { referralCount } from '../db/referral-list.js';
import type { Logger } from '../runtime/logger.js';
import type { HubMetrics } from '../runtime/metrics.js';
import { type IntegrityBreak, integrityAlert } from '../schemas/integrity.js';
import { PeriodicTask } from './periodic-task.js';

const FOLLOW_LIMIT = 2000;
const SWEEP_CHUNK = 500;
// A position not yet visible this long after a later one is a rolled-back transaction's, not a slow one's.
const GAP_MS = 10_000;

/**
 * Integrity watched, not only checkable: the link of every new ledger event is checked as it is appended,
 * and every chain is walked to its head on a schedule (progress in /metrics). A break is raised once, as
 * `ledger.integrity_broken` to the region's procuratorate and coordinator; the break count is a metric, a
 * banner on the dashboard, and a warning in the yearly report.
 */
export class IntegrityWatch {
  private readonly following: PeriodicTask;
  private readonly sweeping: PeriodicTask;
  private readonly gaps = new Map<string, number>();

  constructor(
    private readonly deps: { db: Db; directory: AgencyDirectory; clock: () => Date },
    timing: { followMs: number; sweepMs: number },
    private readonly metrics: HubMetrics,
    private readonly log: Logger,
  ) {
    const failureMessage = 'integrity watch failed; backing off';
    this.following = new PeriodicTask(
      () => this.follow(),
      { intervalMs: timing.followMs, failureMessage },
      log,
    );
    this.sweeping = new PeriodicTask(() => this.sweep(), { intervalMs: timing.sweepMs, failureMessage }, log);
  }

  start(): void {
    this.following.start();
    this.sweeping.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.following.stop(), this.sweeping.stop()]);
  }

  /** Checks what was appended since the last look; returns how many events it checked. */
  async follow(): Promise<number> {
    let total = 0;
    for (;;) {
      const round = await followLedger(this.deps.db, {
        limit: FOLLOW_LIMIT,
        gapMs: GAP_MS,
        now: Date.now(),
        gaps: this.gaps,
      });
      if (!round) return total; // another watcher is following
      total += round.checked;
      this.metrics.eventsVerified.inc(round.checked);
      await this.raise(round.breaks);
      if (round.checked < FOLLOW_LIMIT || !this.following.running) return total;
    }
  }

  /** One whole sweep over every chain, a chunk at a time, from where the last one stopped. */
  async sweep(): Promise<{ checked: number; breaks: number }> {
    const total = Math.max(1, await referralCount(this.deps.db));
    let after = await sweepPosition(this.deps.db);
    let checked = 0;
    let found = 0;
    for (;;) {
      const chunk = await sweepChunk(this.deps.db, after, SWEEP_CHUNK);
      checked += chunk.checked;
      found += chunk.breaks.length;
      await this.raise(chunk.breaks);
      if (!chunk.lastId) break;
      after = chunk.lastId;
      await setSweepPosition(this.deps.db, after);
      this.metrics.sweepProgress.set(Math.min(1, checked / total));
      if (!this.sweeping.running) return { checked, breaks: found };
    }
    await setSweepPosition(this.deps.db, '00000000-0000-0000-0000-000000000000');
    this.metrics.sweepProgress.set(1);
    this.metrics.sweepsCompleted.inc();
    return { checked, breaks: found };
  }

  private async raise(breaks: FoundBreak[]): Promise<void> {
    const fresh = await recordBreaks(this.deps.db, breaks);
    if (fresh.length === 0) return;
    const now = this.deps.clock();
    const messages = [];
    for (const found of fresh) {
      this.log.error(
        { referralId: found.referralId, seq: found.seq, reason: found.reason },
        'ledger integrity broken',
      );
      for (const kind of ['procuratorate', 'coordinator'] as const) {
        const to = await this.deps.directory.inRegion(found.region, kind);
        if (to) messages.push(integrityAlert(found as IntegrityBreak, to, { messageId: randomUUID() }, now));
      }
    }
    await enqueue(this.deps.db, messages);
  }
}
