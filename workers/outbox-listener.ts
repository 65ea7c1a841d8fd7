import { listenToOutbox, type OutboxListening } from '../db/outbox.js';
import type { Logger } from '../runtime/logger.js';
import { backoffMs } from './connection.js';

/**
 * Keeps `LISTEN hub_outbox` up (migration 0017): `wake` runs at every notification — a commit in any process
 * (a gateway of its own, another workers process, a hub CLI) that added messages — and each time it is
 * listening again, for what was committed while it was not. A lost connection is made again with backoff;
 * meanwhile the relay's poll (`RELAY_POLL_MS`) still finds the work. Behind a pooler in transaction mode
 * LISTEN cannot work: there the poll is all there is, and should be set short.
 */
export class OutboxListener {
  private current: OutboxListening | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private everListened = false;
  private stopped = false;
  private losses = 0;

  constructor(
    private readonly connectionString: string,
    private readonly wake: () => void,
    private readonly log: Logger,
    /** Told when it starts or stops listening (the workers' `hub_outbox_listening` gauge). */
    private readonly listeningChanged: (listening: boolean) => void = () => {},
  ) {}

  start(): void {
    this.connecting = this.connect();
  }

  /** Whether it is listening now (a notification would reach it). */
  get listening(): boolean {
    return this.current !== undefined;
  }

  /** Connections it had and lost (a reconnection can be quicker than anyone looking at `listening`). */
  get lostConnections(): number {
    return this.losses;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.connecting;
    const current = this.current;
    this.current = undefined;
    await current?.close();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let listening: OutboxListening;
    try {
      listening = await listenToOutbox(this.connectionString, this.wake, (error) => this.lost(error));
    } catch (error) {
      this.lost(error as Error);
      return;
    }
    if (this.stopped) {
      await listening.close();
      return;
    }
    if (this.failures > 0) this.log.info('outbox listener listening again');
    this.failures = 0;
    this.everListened = true;
    this.current = listening;
    this.listeningChanged(true);
    this.wake();
  }

  private lost(error?: Error): void {
    if (this.current) {
      this.losses++;
      this.listeningChanged(false);
    }
    this.current = undefined;
    if (this.stopped) return;
    this.failures++;
    this.log.warn(
      { err: error?.message ?? 'connection ended', failures: this.failures },
      this.everListened
        ? 'outbox listener lost its connection; the relay polls until it is back'
        : 'outbox listener could not connect; the relay polls until it does',
    );
    this.retry = setTimeout(() => {
      this.connecting = this.connect();
    }, backoffMs(this.failures));
  }
}
