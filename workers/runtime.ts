import { createDb, type Db } from '../db/connection.js';
import { DeadlinePolicy } from '../db/deadline-policy.js';
import { AgencyDirectory } from '../db/directory.js';
import { createLogger, type Logger } from '../db/logger.js';
import { createMetrics, type HubMetrics } from '../db/metrics.js';
import type { Config } from '../schemas/config.js';
import { AmqpSession } from './connection.js';
import { DeadlineWatcher } from './deadlines.js';
import { Intake } from './intake.js';
import { Relay } from './relay.js';

export type Workers = {
  relay: Relay;
  intake: Intake;
  deadlines: DeadlineWatcher;
  session: AmqpSession;
  stop(): Promise<void>;
};

export type WorkerDeps = {
  db: Db;
  directory: AgencyDirectory;
  policy?: DeadlinePolicy;
  metrics: HubMetrics;
  log: Logger;
  clock?: () => Date;
};

/** Relay and intake on one AMQP connection that reconnects by itself, and the deadlines watcher. */
export async function startWorkers(config: Config, deps: WorkerDeps): Promise<Workers> {
  const ctx = {
    db: deps.db,
    directory: deps.directory,
    clock: deps.clock ?? (() => new Date()),
    policy: deps.policy ?? new DeadlinePolicy(deps.db),
  };
  const relay = new Relay(deps.db, deps.directory, config, deps.metrics, deps.log.child({ worker: 'relay' }));
  const intake = new Intake(ctx, config, deps.metrics, deps.log.child({ worker: 'intake' }));
  const session = new AmqpSession(config.AMQP_URL, deps.log, async (connection) => {
    await relay.attach(connection);
    await intake.attach(connection);
  });
  const deadlines = new DeadlineWatcher(
    ctx,
    config.DEADLINES_POLL_MS,
    deps.log.child({ worker: 'deadlines' }),
  );
  await session.start();
  relay.start();
  deadlines.start();
  return {
    relay,
    intake,
    deadlines,
    session,
    async stop() {
      await deadlines.stop();
      await intake.stop();
      await relay.stop();
      await session.close();
    },
  };
}

/** For the workers' own process: its own pool, directory, metrics and logger. */
export function createWorkerDeps(config: Config): WorkerDeps {
  const db = createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
  return {
    db,
    directory: new AgencyDirectory(db),
    metrics: createMetrics(db),
    log: createLogger(config.LOG_LEVEL),
  };
}
