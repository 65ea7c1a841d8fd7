import { describe, expect, it } from 'vitest';
import { createLogger } from '../../runtime/logger.js';
import { nextDelayMs, PeriodicTask } from '../../workers/periodic-task.js';
import { waitFor } from '../helpers/wait.js';

function recordingLogger() {
  const lines: { msg: string; err?: string; failures?: number }[] = [];
  const log = createLogger('warn', { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

/** A promise with its resolve at hand, to hold a pass open until the test lets it end. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const short = { intervalMs: 5, failureMessage: 'pass failed', backoff: { baseMs: 1, capMs: 5 } };

describe('a periodic task', () => {
  it('runs its pass again and again, one at a time', async () => {
    const { log } = recordingLogger();
    let passes = 0;
    let inFlight = 0;
    let most = 0;
    const task = new PeriodicTask(
      async () => {
        passes++;
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
      },
      short,
      log,
    );
    task.start();
    task.start(); // a second start must not begin a second loop
    await waitFor(() => passes >= 5, 'five passes');
    await task.stop();
    expect(most).toBe(1);
  });

  it('retries a failing pass, logging each failure with the count in a row, and counts afresh after a success', async () => {
    const { log, lines } = recordingLogger();
    const outcomes = ['fail', 'fail', 'ok', 'fail', 'ok'];
    let passes = 0;
    const task = new PeriodicTask(
      async () => {
        const outcome = outcomes[passes++] ?? 'ok';
        if (outcome === 'fail') throw new Error(`pass ${passes} broke`);
      },
      short,
      log,
    );
    task.start();
    await waitFor(() => passes >= outcomes.length + 1, 'the passes after the failures');
    await task.stop();
    expect(lines.map((l) => [l.msg, l.err, l.failures])).toEqual([
      ['pass failed', 'pass 1 broke', 1],
      ['pass failed', 'pass 2 broke', 2],
      ['pass failed', 'pass 4 broke', 1],
    ]);
  });

  it('stops only once the pass in flight has ended, and runs no pass after', async () => {
    const { log } = recordingLogger();
    const events: string[] = [];
    const held = gate();
    let passes = 0;
    const task = new PeriodicTask(
      async () => {
        passes++;
        events.push('pass began');
        await held.opened;
        events.push('pass ended');
      },
      short,
      log,
    );
    task.start();
    await waitFor(() => events.length > 0, 'the first pass');
    const stopping = task.stop().then(() => events.push('stopped'));
    expect(task.running).toBe(false);
    expect(task.stopped).toBe(true);
    // Let the event loop turn: a stop that did not wait would have resolved by now.
    await new Promise((resolve) => setTimeout(resolve, 20));
    held.open();
    await stopping;
    expect(events).toEqual(['pass began', 'pass ended', 'stopped']);
    expect(passes).toBe(1);
  });

  it('stops at once while it waits for the next pass', async () => {
    const { log } = recordingLogger();
    let passes = 0;
    const task = new PeriodicTask(
      async () => {
        passes++;
      },
      { intervalMs: 3_600_000, failureMessage: 'pass failed' },
      log,
    );
    task.start();
    await waitFor(() => passes === 1, 'the first pass');
    // With the hour's wait not cut short, this would outlast the test's timeout.
    await task.stop();
    expect(passes).toBe(1);
  });

  it('tells when the pass in flight has ended, even a failed one', async () => {
    const { log, lines } = recordingLogger();
    const held = gate();
    const task = new PeriodicTask(
      async () => {
        await held.opened;
        throw new Error('broke');
      },
      { intervalMs: 3_600_000, failureMessage: 'pass failed', retryNoSoonerThanInterval: true },
      log,
    );
    await task.whenIdle(); // before start: nothing to wait for
    task.start();
    const idle = task.whenIdle();
    held.open();
    await idle;
    await waitFor(() => lines.length === 1, 'the failure logged');
    await task.stop();
    expect(lines[0]).toMatchObject({ msg: 'pass failed', err: 'broke', failures: 1 });
  });
});

describe('the wait before the next pass', () => {
  it('is the interval after a success', () => {
    expect(nextDelayMs(0, { intervalMs: 1234, failureMessage: '' })).toBe(1234);
  });

  it('backs off after failures, never beyond the cap', () => {
    const options = { intervalMs: 60_000, failureMessage: '', backoff: { baseMs: 100, capMs: 700 } };
    for (let failures = 1; failures <= 30; failures++) {
      const delay = nextDelayMs(failures, options);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(700, 100 * 2 ** failures));
    }
  });

  it('waits at least the interval after a failure when the pass must not be retried sooner', () => {
    const options = {
      intervalMs: 5000,
      failureMessage: '',
      retryNoSoonerThanInterval: true,
      backoff: { capMs: 10_000 },
    };
    for (let failures = 1; failures <= 30; failures++) {
      expect(nextDelayMs(failures, options)).toBeGreaterThanOrEqual(5000);
      expect(nextDelayMs(failures, options)).toBeLessThanOrEqual(10_000);
    }
  });
});
