import type { FastifyInstance } from 'fastify';
import { createDb, type Db } from '../db/connection.js';
import { DeadlinePolicy } from '../db/deadline-policy.js';
import { AgencyDirectory } from '../db/directory.js';
import { createLogger, type Logger } from '../db/logger.js';
import { createMetrics, type HubMetrics } from '../db/metrics.js';
import { buildApp } from '../gateway/app.js';
import type { Config } from '../schemas/config.js';
import { startWorkers, type Workers } from '../workers/runtime.js';

export type Hub = {
  app: FastifyInstance;
  workers: Workers;
  db: Db;
  directory: AgencyDirectory;
  policy: DeadlinePolicy;
  metrics: HubMetrics;
  stop(): Promise<void>;
};

export type HubOptions = { log?: Logger; clock?: () => Date; db?: Db };

/** Gateway and workers in one process sharing one pool (the `start` command; tests build it too). */
export async function composeHub(config: Config, options: HubOptions = {}): Promise<Hub> {
  const db = options.db ?? createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const directory = new AgencyDirectory(db);
  const metrics = createMetrics(db);
  const policy = new DeadlinePolicy(db);
  const workers = await startWorkers(config, { db, directory, policy, metrics, log, clock: options.clock });
  const app = await buildApp({
    config,
    db,
    directory,
    policy,
    metrics,
    log,
    clock: options.clock,
    onCommitted: () => workers.relay.nudge(),
    brokerReady: async () => workers.session.current !== undefined,
  });
  return {
    app,
    workers,
    db,
    directory,
    policy,
    metrics,
    async stop() {
      await app.close();
      await workers.stop();
      if (!options.db) await db.destroy();
    },
  };
}
