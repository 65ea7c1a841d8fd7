import type { CommandPath } from '../db/command-path.js';
import type { Db } from '../db/connection.js';
import { dueForAlarm, dutiesOverNoticedYears, lapseWindows, provisionalDuties } from '../db/duties.js';
import { classifyFailure } from '../db/errors.js';
import type { RegionPolicy } from '../db/region-policy.js';
import type { Logger } from '../runtime/logger.js';
import type { Alarm } from '../schemas/commands.js';
import { PeriodicTask } from './periodic-task.js';

const BATCH = 200;

/**
 * Watches the duties: asks the command path to raise `deadline.approaching` when a duty reaches its warning
 * time and `deadline.overdue` when its due time passes. The decision refuses an alarm already raised (the
 * duty's status moved) and the write is guarded by the referral's version, so several watchers raise each
 * alarm once; duties are rows, so a restart loses nothing. Windows that passed unused lapse. When the
 * holiday calendar changes (a year's notice loaded with `hub calendar-load`; seen at start too), every
 * provisional due time is counted again: moved (`deadline.moved`) or confirmed on the ledger.
 */
export class DeadlineWatcher {
  private readonly task: PeriodicTask;
  /** The calendar files the provisional due times were last recounted over. */
  private recountedOver: string | undefined;
  /** Duties whose recount failed other than by a refusal (a bug): skipped until the calendar changes. */
  private readonly failedRecounts = new Set<string>();

  constructor(
    private readonly deps: { db: Db; commands: CommandPath; clock: () => Date; policy?: RegionPolicy },
    pollMs: number,
    private readonly log: Logger,
  ) {
    this.task = new PeriodicTask(
      () => this.tick(),
      { intervalMs: pollMs, failureMessage: 'deadline tick failed' },
      log,
    );
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /**
   * One pass at the clock's time; returns how many due times it recounted (moved or confirmed), alarms it
   * raised and windows it lapsed. Recounting comes first, so that no alarm is raised on a stale due time;
   * a recount that fails is logged and leaves the alarms to be raised all the same.
   */
  async tick(): Promise<{ recounted: number; approaching: number; overdue: number; lapsed: number }> {
    let recounted = 0;
    try {
      recounted = await this.recount();
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'recounting provisional due times failed');
    }
    const now = this.deps.clock();
    const lapsed = await lapseWindows(this.deps.db, now);
    const overdue = await this.raise('overdue', now);
    const approaching = await this.raise('approaching', now);
    return { recounted, approaching, overdue, lapsed };
  }

  /**
   * Every provisional due time once the calendar changed (its files differ from those of the last full
   * pass), and on every tick those counted over a year that has its notice now (a duty opened by a process
   * whose calendar was older, or recorded before the hub kept the years).
   */
  private async recount(): Promise<number> {
    if (!this.deps.policy) return 0;
    const calendar = await this.deps.policy.calendar();
    let recounted = 0;
    if (calendar.files !== this.recountedOver) {
      this.failedRecounts.clear();
      let after: string | null = null;
      let unavailable = false;
      for (;;) {
        const duties = await provisionalDuties(this.deps.db, after, BATCH);
        if (duties.length === 0) break;
        after = duties[duties.length - 1]!.id;
        const outcome = await this.recheck(duties);
        recounted += outcome.recounted;
        unavailable ||= outcome.unavailable;
      }
      // Only once every one was asked: with the database or broker away, all of them again next tick.
      if (!unavailable) this.recountedOver = calendar.files;
    }
    const noticed = await dutiesOverNoticedYears(
      this.deps.db,
      calendar.officialYears(),
      [...this.failedRecounts],
      BATCH,
    );
    return recounted + (await this.recheck(noticed)).recounted;
  }

  /** Asks for a recount of each duty; a refusal is moot, another failure is logged and that duty skipped. */
  private async recheck(duties: { id: string; referral_id: string }[]) {
    const outcomes = await Promise.allSettled(
      duties.map((duty) =>
        this.deps.commands.execute('hub', {
          type: 'recheck_deadline',
          referralId: duty.referral_id,
          dutyId: duty.id,
        }),
      ),
    );
    let recounted = 0;
    let unavailable = false;
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') {
        recounted++;
        continue;
      }
      const failure = classifyFailure(outcome.reason);
      if (failure.kind === 'refused') continue;
      if (failure.kind === 'unavailable') unavailable = true;
      else this.failedRecounts.add(duties[i]!.id);
      this.log.warn(
        { err: (outcome.reason as Error).message, dutyId: duties[i]!.id },
        'recounting a provisional due time failed',
      );
    }
    return { recounted, unavailable };
  }

  private async raise(alarm: Alarm, now: Date): Promise<number> {
    const due = await dueForAlarm(this.deps.db, alarm, now, BATCH);
    return this.settled(
      due.map((duty) =>
        this.deps.commands.execute('hub', {
          type: 'watch_deadline',
          referralId: duty.referral_id,
          dutyId: duty.id,
          alarm,
        }),
      ),
    );
  }

  /** How many of the commands took effect; refused ones (done by another watcher, or moot) do not count. */
  private async settled(commands: Promise<unknown>[]): Promise<number> {
    const outcomes = await Promise.allSettled(commands);
    let raised = 0;
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') raised++;
      // Refused: another watcher raised it first, or the duty was met meanwhile.
      else if (classifyFailure(outcome.reason).kind !== 'refused') throw outcome.reason;
    }
    return raised;
  }
}
