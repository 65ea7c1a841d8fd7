import type { Logger } from '../runtime/logger.js';
import { backoffMs } from './connection.js';

export interface PeriodicTaskOptions {
  /** The wait after a pass that succeeded. */
  intervalMs: number;
  /** The warning logged, with the error and the count of failures in a row, when a pass fails. */
  failureMessage: string;
  /**
   * After a failure wait at least the interval, not only the backoff: for a pass heavy enough (vacuum)
   * that retrying it sooner than its schedule would add to the load that may have made it fail.
   */
  retryNoSoonerThanInterval?: boolean;
  /** Backoff after failures: full jitter over base × 2^failures, capped (defaults those of `backoffMs`). */
  backoff?: { baseMs?: number; capMs?: number };
}

/** The wait before the next pass, after `failures` failed passes in a row (0: the last one succeeded). */
export function nextDelayMs(failures: number, options: PeriodicTaskOptions): number {
  if (failures === 0) return options.intervalMs;
  const backoff = backoffMs(failures, options.backoff?.baseMs, options.backoff?.capMs);
  return options.retryNoSoonerThanInterval ? Math.max(options.intervalMs, backoff) : backoff;
}

/**
 * A pass run over and over, one at a time: the first at start, the next an interval after the last ended,
 * sooner or later after failures (backoff). A pass never overlaps itself; stop() cuts the wait short and
 * resolves once the pass in flight, if any, has ended, so a worker's stop leaves no work behind.
 */
export class PeriodicTask {
  private active = false;
  private halted = false;
  private loopDone: Promise<void> | undefined;
  /** The loop's pass under way (or the last one), for whenIdle. */
  private pass: Promise<unknown> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly options: PeriodicTaskOptions,
    private readonly log: Logger,
  ) {}

  /** Between start() and stop(): a long pass checks it to end early. */
  get running(): boolean {
    return this.active;
  }

  /** stop() was called (and start() not since): work that is not worth finishing may give up. */
  get stopped(): boolean {
    return this.halted;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.halted = false;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.halted = true;
    this.wake?.();
    await this.loopDone;
  }

  /** Resolves once the loop's pass under way (the first runs at start) has ended, however it ended. */
  async whenIdle(): Promise<void> {
    await this.pass?.catch(() => {});
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.active) {
      try {
        this.pass = this.run();
        await this.pass;
        failures = 0;
      } catch (error) {
        failures++;
        this.log.warn({ err: (error as Error).message, failures }, this.options.failureMessage);
      }
      // Stopped during the pass: a sleep begun now would outlast the stop.
      if (!this.active) return;
      await this.sleep(nextDelayMs(failures, this.options));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
