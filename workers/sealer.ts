import type { Db } from '../db/connection.js';
import { lastSealedAt, type StatementSigner, type StoredStatement, sealHeads } from '../db/seals.js';
import type { Logger } from '../runtime/logger.js';
import { PeriodicTask } from './periodic-task.js';

/**
 * Issue 15: seals every chain head periodically — a signed statement (Merkle root, size, time) kept in
 * `sealed_statements` and sent to every region's procuratorate and coordinator. It looks once a minute (or
 * at the interval, if shorter) whether the last statement is older than the interval, so that several
 * workers processes, or a restart, do not multiply the statements (seals take turns, and one whose turn
 * comes after another's statement of the interval does not seal).
 */
export class Sealer {
  private readonly task: PeriodicTask;

  constructor(
    private readonly deps: { db: Db; signer: () => Promise<StatementSigner>; clock: () => Date },
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {
    const lookEveryMs = Math.min(intervalMs, 60_000);
    this.task = new PeriodicTask(
      () => this.tick(),
      { intervalMs: lookEveryMs, failureMessage: 'sealing failed' },
      log,
    );
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Seals now if the last statement is older than the interval; returns the statement's id if it did. */
  async tick(): Promise<string | undefined> {
    const now = this.deps.clock();
    const last = await lastSealedAt(this.deps.db);
    if (last && now.getTime() - last.getTime() < this.intervalMs) return undefined;
    const unlessSealedAfter = new Date(now.getTime() - this.intervalMs);
    const sealed = await sealHeads(this.deps.db, await this.deps.signer(), 'periodic', now, {
      unlessSealedAfter,
    });
    if (sealed) this.log.info({ statementId: sealed.id, size: sealed.statement.size }, 'chain heads sealed');
    return sealed?.id;
  }

  /** Seals every chain head now (tests; an operator who wants a statement before the interval). */
  async sealNow(): Promise<StoredStatement> {
    const sealed = await sealHeads(this.deps.db, await this.deps.signer(), 'periodic', this.deps.clock());
    this.log.info({ statementId: sealed.id, size: sealed.statement.size }, 'chain heads sealed');
    return sealed;
  }
}
