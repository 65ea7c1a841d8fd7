import amqp, { type ChannelModel } from 'amqplib';
import type { Logger } from '../runtime/logger.js';
import { coalesceWrites } from './coalesce-writes.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 10_000): number {
  return Math.round(Math.random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/**
 * A connection that comes back: on a lost connection it reconnects with backoff and runs `setup` again
 * (declare topology, open channels, start consuming).
 */
export class AmqpSession {
  private connection: ChannelModel | undefined;
  private closing = false;
  private ready: Promise<void> | undefined;
  private readonly urls: string[];
  private next = 0;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly setup: (connection: ChannelModel) => Promise<void>,
  ) {
    this.urls = url.split(',').map((u) => u.trim());
  }

  /** Resolves once the first connection is set up. */
  start(): Promise<void> {
    this.ready ??= this.connectLoop();
    return this.ready;
  }

  get current(): ChannelModel | undefined {
    return this.connection;
  }

  async close(): Promise<void> {
    this.closing = true;
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => {});
  }

  private async connectLoop(): Promise<void> {
    for (let attempt = 0; !this.closing; attempt++) {
      let connection: ChannelModel | undefined;
      try {
        // A cluster's nodes in turn: each attempt tries the next address.
        const url = this.urls[(this.next++ + attempt) % this.urls.length] ?? this.url;
        connection = await amqp.connect(url, { clientProperties: { connection_name: 'referral-hub' } });
        const opened = connection;
        if (!coalesceWrites(opened)) {
          this.log.warn('amqplib internals not found: each frame is written with its own system call');
        }
        opened.on('error', (error: Error) => this.log.warn({ err: error.message }, 'amqp connection error'));
        opened.on('close', () => this.onClose(opened));
        await this.setup(opened);
        this.connection = opened;
        if (attempt > 0) this.log.info({ attempt }, 'amqp reconnected');
        return;
      } catch (error) {
        const wait = backoffMs(attempt);
        this.log.warn({ err: (error as Error).message, wait }, 'amqp connect failed; retrying');
        // Not yet `current`, so its close event does not start a second loop.
        await connection?.close().catch(() => {});
        await sleep(wait);
      }
    }
  }

  private onClose(connection: ChannelModel): void {
    if (this.closing || this.connection !== connection) return;
    this.connection = undefined;
    this.log.warn('amqp connection lost; reconnecting');
    this.ready = this.connectLoop();
  }
}
