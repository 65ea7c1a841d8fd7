import pg from 'pg';
import type { Logger } from '../runtime/logger.js';
import { backoffMs } from './connection.js';

/** The channel every statement adding to the outbox notifies at its commit (migration 0017). */
export const OUTBOX_CHANNEL = 'hub_outbox';

/**
 * `LISTEN hub_outbox` on a connection of its own: `wake` runs at every notification — a commit in any process
 * (a gateway of its own, another workers process, a hub CLI) that added messages — and after every
 * (re)connection, for what was committed while it was away. A lost connection is made again with backoff;
 * meanwhile the relay's poll (`RELAY_POLL_MS`) still finds the work. Behind a pooler in transaction mode
 * LISTEN cannot work: there the poll is all there is, and should be set short.
 */
export class OutboxListener {
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;
  private ready = false;

  constructor(
    private readonly connectionString: string,
    private readonly wake: () => void,
    private readonly log: Logger,
  ) {}

  start(): void {
    void this.connect();
  }

  /** Whether it is listening now (a notification would reach it). */
  get listening(): boolean {
    return this.ready;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.ready = false;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'referral-hub outbox listener',
    });
    this.client = client;
    client.on('notification', () => this.wake());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (this.client !== client) return;
      if (this.failures > 0) this.log.info('outbox listener listening again');
      this.failures = 0;
      this.ready = true;
      this.wake();
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.ready = false;
    client.removeAllListeners('end');
    client.end().catch(() => {});
    if (this.stopped) return;
    this.failures++;
    this.log.warn(
      { err: error instanceof Error ? error.message : 'connection ended', failures: this.failures },
      'outbox listener lost its connection; the relay polls until it is back',
    );
    this.retry = setTimeout(() => void this.connect(), backoffMs(this.failures));
  }
}
