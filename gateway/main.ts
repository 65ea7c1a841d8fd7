import { createDb } from '../db/connection.js';
import { AgencyDirectory } from '../db/directory.js';
import { loadConfigOrExit } from '../db/load-config.js';
import { createLogger } from '../db/logger.js';
import { createMetrics } from '../db/metrics.js';
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
await app.listen({ host: config.HOST, port: config.PORT });

async function shutdown() {
  await app.close();
  await db.destroy();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
