import { SM2_VERIFIER_LOG } from '../crypto/signatures.js';
import { createDb } from '../db/connection.js';
import { AgencyDirectory } from '../db/directory.js';
import { exitOnSignal, once } from '../runtime/exit-on-signal.js';
import { listenOrExit } from '../runtime/listen.js';
import { loadConfigOrExit } from '../runtime/load-config.js';
import { createLogger } from '../runtime/logger.js';
import { createMetrics } from '../runtime/metrics.js';
import { buildApp } from './app.js';

// The gateway alone (docker-compose runs it apart from the workers).
const config = loadConfigOrExit();
const db = createDb(config.DATABASE_URL, config.DB_POOL_SIZE);
const log = createLogger(config.LOG_LEVEL);
const app = await buildApp({
  config,
  db,
  directory: new AgencyDirectory(db),
  metrics: createMetrics(db),
  log,
});

// SIGTERM: stop accepting connections, answer the requests in flight, close the pool, exit 0; within
// SHUTDOWN_TIMEOUT_MS, or at once on a second signal.
const stop = once(async () => {
  await app.close();
  await db.destroy();
});
exitOnSignal({ log, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, stop });
await listenOrExit(
  () => app.listen({ host: config.HOST, port: config.PORT }),
  { host: config.HOST, port: config.PORT, setting: 'PORT' },
  stop,
  config.SHUTDOWN_TIMEOUT_MS,
);
log.info(SM2_VERIFIER_LOG, 'gateway started');
