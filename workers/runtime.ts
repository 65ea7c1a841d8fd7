import type { CommandPath } from '../db/command-path.js';
import { createDb, type Db } from '../db/connection.js';
import { AgencyDirectory } from '../db/directory.js';
import { RegionPolicy } from '../db/region-policy.js';
import { createCommandPath } from '../runtime/commands.js';
import { type HubSigner, hubSignerWhenReady } from '../runtime/hub-signer.js';
import { createLogger, type Logger } from '../runtime/logger.js';
import { createMetrics, type HubMetrics } from '../runtime/metrics.js';
import type { Config } from '../schemas/config.js';
import { AmqpSession } from './connection.js';
import { DeadlineWatcher } from './deadlines.js';
import { Intake } from './intake.js';
import { IntegrityWatch } from './integrity.js';
import { Maintenance } from './maintenance.js';
import { OutboxListener } from './outbox-listener.js';
import { Relay } from './relay.js';
import { Sealer } from './sealer.js';

export type Workers = {
  relay: Relay;
  /** Wakes the relay when another process commits messages (LISTEN hub_outbox). */
  outboxListener: OutboxListener;
  intake: Intake;
  deadlines: DeadlineWatcher;
  integrity: IntegrityWatch;
  maintenance: Maintenance;
  sealer: Sealer;
  session: AmqpSession;
  commands: CommandPath;
  stop(): Promise<void>;
};

export type WorkerDeps = {
  db: Db;
  directory: AgencyDirectory;
  policy?: RegionPolicy;
  metrics: HubMetrics;
  log: Logger;
  clock?: () => Date;
  /** The hub's seal (loaded here when not given). */
  signer?: HubSigner;
  /** The process's command path (shared with an in-process gateway); made here when not given. */
  commands?: CommandPath;
};

/**
 * Relay and intake on one AMQP connection that reconnects by itself, the deadlines watcher, the integrity
 * watch and the maintenance (pruning, vacuum).
 */
export async function startWorkers(config: Config, deps: WorkerDeps): Promise<Workers> {
  const clock = deps.clock ?? (() => new Date());
  let relay: Relay | undefined;
  const policy = deps.policy ?? new RegionPolicy(deps.db);
  const ownCommands = deps.commands === undefined;
  const commands =
    deps.commands ??
    createCommandPath({
      db: deps.db,
      config,
      directory: deps.directory,
      policy,
      clock,
      metrics: deps.metrics,
      onCommitted: () => relay?.nudge(),
    });
  const signer = hubSignerWhenReady(deps.db, config, deps.signer);
  relay = new Relay(
    deps.db,
    deps.directory,
    config,
    deps.metrics,
    deps.log.child({ worker: 'relay' }),
    signer,
  );
  const intake = new Intake(
    { commands, directory: deps.directory, db: deps.db, clock },
    config,
    deps.metrics,
    deps.log.child({ worker: 'intake' }),
  );
  const ready = relay;
  const outboxListener = new OutboxListener(
    config.DATABASE_URL,
    () => ready.nudge(),
    deps.log.child({ worker: 'outbox-listener' }),
    (listening) => deps.metrics.outboxListening.set(listening ? 1 : 0),
  );
  const session = new AmqpSession(config.AMQP_URL, deps.log, async (connection) => {
    await ready.attach(connection);
    await intake.attach(connection);
  });
  const deadlines = new DeadlineWatcher(
    { db: deps.db, commands, clock, policy },
    config.DEADLINES_POLL_MS,
    deps.log.child({ worker: 'deadlines' }),
  );
  const integrity = new IntegrityWatch(
    { db: deps.db, directory: deps.directory, clock },
    { followMs: config.INTEGRITY_FOLLOW_MS, sweepMs: config.INTEGRITY_SWEEP_MS },
    deps.metrics,
    deps.log.child({ worker: 'integrity' }),
  );
  const maintenance = new Maintenance(
    deps.db,
    config,
    deps.metrics,
    deps.log.child({ worker: 'maintenance' }),
  );
  const sealer = new Sealer(
    { db: deps.db, signer, clock },
    config.SEAL_INTERVAL_MS,
    deps.log.child({ worker: 'sealer' }),
  );
  await session.start();
  relay.start();
  outboxListener.start();
  deadlines.start();
  integrity.start();
  maintenance.start();
  sealer.start();
  return {
    relay,
    outboxListener,
    intake,
    deadlines,
    integrity,
    maintenance,
    sealer,
    session,
    commands,
    async stop() {
      await sealer.stop();
      await maintenance.stop();
      await integrity.stop();
      await deadlines.stop();
      await intake.stop();
      await outboxListener.stop();
      await ready.stop();
      await session.close();
      if (ownCommands) await commands.close();
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
