import { SM2_VERIFIER_LOG } from '../crypto/signatures.js';
import { exitOnSignal } from '../runtime/exit-on-signal.js';
import { listenOrExit } from '../runtime/listen.js';
import { checkSigningKeyOrExit, loadConfigOrExit } from '../runtime/load-config.js';
import { startHealthServer } from './health.js';
import { createWorkerDeps, startWorkers, type Workers } from './runtime.js';

// The workers alone (relay, intake, deadlines); several may run at once.
const config = loadConfigOrExit();
checkSigningKeyOrExit(config);
const deps = createWorkerDeps(config);
let workers: Workers | undefined;

// Up before the workers, so that a broker that does not answer yet shows as 503 rather than no answer.
const health = await listenOrExit(
  () =>
    startHealthServer(config.HOST, config.WORKERS_HEALTH_PORT, {
      db: deps.db,
      metrics: deps.metrics,
      brokerConnected: () => workers?.session.current !== undefined,
    }),
  { host: config.HOST, port: config.WORKERS_HEALTH_PORT, setting: 'WORKERS_HEALTH_PORT' },
  () => deps.db.destroy(),
  config.SHUTDOWN_TIMEOUT_MS,
);
deps.log.info({ url: `http://${config.HOST}:${health.port}/readyz` }, 'workers health');

// SIGTERM: stop taking work, finish what is in flight (acked or dead-lettered), close, exit 0. Before the
// first connection is set up there is nothing in hand to finish: whatever the intake has received is
// unacked and goes back to the queue when the process exits.
exitOnSignal({
  log: deps.log,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  stop: async () => {
    await health.close();
    await workers?.stop();
    await deps.db.destroy();
    deps.log.info('workers stopped');
  },
});
workers = await startWorkers(config, deps);
deps.log.info(SM2_VERIFIER_LOG, 'workers started');
