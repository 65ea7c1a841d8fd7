import type { FastifyInstance } from 'fastify';
import type { CommandPath } from '../db/command-path.js';
import { createDb, type Db } from '../db/connection.js';
import { AgencyDirectory } from '../db/directory.js';
import { RegionPolicy } from '../db/region-policy.js';
import { buildApp } from '../gateway/app.js';
import { createCommandPath } from '../runtime/commands.js';
import { loadHubSigner } from '../runtime/hub-signer.js';
import { createLogger, type Logger } from '../runtime/logger.js';
import { createMetrics, type HubMetrics } from '../runtime/metrics.js';
import type { Config } from '../schemas/config.js';
import { startWorkers, type Workers } from '../workers/runtime.js';

export type Hub = {
  app: FastifyInstance;
  workers: Workers;
  db: Db;
  directory: AgencyDirectory;
  policy: RegionPolicy;
  commands: CommandPath;
  metrics: HubMetrics;
  stop(): Promise<void>;
};

export type HubOptions = { log?: Logger; clock?: () => Date; db?: Db };

/**
 * Gateway and workers in one process sharing one pool and one command path, so that HTTP and AMQP commands
 * are batched together (the `start` command; tests build it too).
 */
export async function composeHub(config: Config, options: HubOptions = {}): Promise<Hub> {
  const db = options.db ?? createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? (() => new Date());
  const directory = new AgencyDirectory(db);
  const metrics = createMetrics(db, clock);
  const policy = new RegionPolicy(db);
  let workers: Workers | undefined;
  const commands = createCommandPath({
    db,
    config,
    directory,
    policy,
    clock,
    metrics,
    onCommitted: () => workers?.relay.nudge(),
  });
  // A step that fails stops what the steps before it started (the workers' connections and timers, the
  // command path's threads, a pool of our own), so that a caller that goes on is not left holding them.
  let app: FastifyInstance;
  try {
    const signer = await loadHubSigner(db, config);
    workers = await startWorkers(config, { db, directory, policy, metrics, log, clock, commands, signer });
    const running = workers;
    app = await buildApp({
      config,
      db,
      directory,
      policy,
      commands,
      metrics,
      log,
      clock,
      brokerReady: async () => running.session.current !== undefined,
      signer,
    });
  } catch (error) {
    await workers?.stop().catch(() => {});
    await commands.close().catch(() => {});
    if (!options.db) await db.destroy().catch(() => {});
    throw error;
  }
  const started = workers;
  return {
    app,
    workers: started,
    db,
    directory,
    policy,
    commands,
    metrics,
    async stop() {
      await app.close();
      await started.stop();
      await commands.close();
      if (!options.db) await db.destroy();
    },
  };
}
