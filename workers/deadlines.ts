import type { CommandPath } from '../db/command-path.js';
import type { Db } from '../db/connection.js';
import { dueForAlarm, lapseWindows, provisionalDuties } from '../db/duties.js';
import { classifyFailure } from '../db/errors.js';
import type { RegionPolicy } from '../db/region-policy.js';
import type { Logger } from '../runtime/logger.js';
import type { Alarm } from '../schemas/commands.js';
import { backoffMs } from './connection.js';

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
  private running = false;
  private loopDone: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  /** The calendar files the provisional due times were last recounted over. */
  private recountedOver: string | undefined;

  constructor(
    private readonly deps: { db: Db; commands: CommandPath; clock: () => Date; policy?: RegionPolicy },
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loopDone;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.tick();
        failures = 0;
      } catch (error) {
        failures++;
        this.log.warn({ err: (error as Error).message, failures }, 'deadline tick failed');
      }
      // Stopped while ticking: a sleep begun now would outlast the stop.
      if (!this.running) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, failures ? backoffMs(failures) : this.pollMs);
      });
    }
  }

  /**
   * One pass at the clock's time; returns how many due times it recounted (moved or confirmed), alarms it
   * raised and windows it lapsed. Recounting comes first, so that no alarm is raised on a stale due time.
   */
  async tick(): Promise<{ recounted: number; approaching: number; overdue: number; lapsed: number }> {
    const recounted = await this.recount();
    const now = this.deps.clock();
    const lapsed = await lapseWindows(this.deps.db, now);
    const overdue = await this.raise('overdue', now);
    const approaching = await this.raise('approaching', now);
    return { recounted, approaching, overdue, lapsed };
  }

  private async recount(): Promise<number> {
    if (!this.deps.policy) return 0;
    const files = (await this.deps.policy.calendar()).files;
    if (files === this.recountedOver) return 0;
    let recounted = 0;
    let after: string | null = null;
    for (;;) {
      const duties = await provisionalDuties(this.deps.db, after, BATCH);
      if (duties.length === 0) break;
      after = duties[duties.length - 1]!.id;
      recounted += await this.settled(
        duties.map((duty) =>
          this.deps.commands.execute('hub', {
            type: 'recheck_deadline',
            referralId: duty.referral_id,
            dutyId: duty.id,
          }),
        ),
      );
    }
    // Only once every one was asked: a failure above recounts them all again on the next tick.
    this.recountedOver = files;
    return recounted;
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
