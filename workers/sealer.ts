import type { Db } from '../db/connection.js';
import { lastSealedAt, type StatementSigner, type StoredStatement, sealHeads } from '../db/seals.js';
import type { Logger } from '../runtime/logger.js';
import { backoffMs } from './connection.js';

/**
 * Issue 15: seals every chain head periodically — a signed statement (Merkle root, size, time) kept in
 * `sealed_statements` and sent to every region's procuratorate and coordinator. It looks once a minute (or
 * at the interval, if shorter) whether the last statement is older than the interval, so that several
 * workers processes, or a restart, do not multiply the statements.
 */
export class Sealer {
  private running = false;
  private loopDone: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly deps: { db: Db; signer: () => Promise<StatementSigner>; clock: () => Date },
    private readonly intervalMs: number,
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

  /** Seals now if the last statement is older than the interval; returns the statement's id if it did. */
  async tick(): Promise<string | undefined> {
    const now = this.deps.clock();
    const last = await lastSealedAt(this.deps.db);
    if (last && now.getTime() - last.getTime() < this.intervalMs) return undefined;
    return (await this.sealNow()).id;
  }

  /** Seals every chain head now (tests; an operator who wants a statement before the interval). */
  async sealNow(): Promise<StoredStatement> {
    const sealed = await sealHeads(this.deps.db, await this.deps.signer(), 'periodic', this.deps.clock());
    this.log.info({ statementId: sealed.id, size: sealed.statement.size }, 'chain heads sealed');
    return sealed;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        await this.tick();
        failures = 0;
      } catch (error) {
        failures++;
        this.log.warn({ err: (error as Error).message, failures }, 'sealing failed');
      }
      if (!this.running) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, failures ? backoffMs(failures) : Math.min(this.intervalMs, 60_000));
      });
    }
  }
}
