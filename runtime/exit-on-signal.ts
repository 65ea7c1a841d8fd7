import type { Logger } from './logger.js';

export type ExitOnSignalOptions = {
  /**
   * Finishes the work in hand and closes what is open; the process exits 0 when it resolves (wrap it in
   * `once` when something else may stop the process too).
   */
  stop: () => Promise<void>;
  log: Logger;
  /** After the first signal the process exits with 1 when `stop` has not finished by then. */
  timeoutMs: number;
  /**
   * A signal this soon after the first is the same request delivered twice, not an insistence: Ctrl-C
   * reaches every process of the terminal's group and `npm start` forwards it to the hub again.
   */
  repeatWindowMs?: number;
};

/**
 * SIGTERM and SIGINT stop the process gracefully, within a bound: a shutdown that hangs (a broker that
 * never answers, a request that never ends) or a second signal later than the window exits at once.
 */
export function exitOnSignal({ stop, log, timeoutMs, repeatWindowMs = 1000 }: ExitOnSignalOptions): void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt < repeatWindowMs) return;
      log.warn({ signal }, 'second signal while stopping; exiting now');
      process.exit(1);
    }
    firstAt = Date.now();
    log.info({ signal, timeoutMs }, 'stopping');
    setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs);
    stop().then(
      // 0, unless the process had already failed (a port it could not listen on, runtime/listen.ts).
      () => process.exit(Number(process.exitCode ?? 0)),
      (error: Error) => {
        log.error({ err: error.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** `stop` run at most once: a second caller (a signal during a failed start's stop) waits for the first. */
export function once(stop: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= stop();
    return running;
  };
}
