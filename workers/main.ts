import { loadConfigOrExit } from '../db/load-config.js';
import { createWorkerDeps, startWorkers } from './runtime.js';

// The workers alone (relay and intake); several may run at once.
const config = loadConfigOrExit();
const deps = createWorkerDeps(config);
const workers = await startWorkers(config, deps);
deps.log.info('workers started');

async function shutdown() {
  await workers.stop();
  await deps.db.destroy();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
