import { loadConfigOrExit } from '../runtime/load-config.js';
import { createWorkerDeps, startWorkers } from './runtime.js';

// The workers alone (relay, intake, deadlines); several may run at once.
const config = loadConfigOrExit();
const deps = createWorkerDeps(config);
const started = startWorkers(config, deps);

// SIGTERM: stop taking work, finish what is in flight (acked or dead-lettered), close, exit 0.
let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  const workers = await started;
  await workers.stop();
  await deps.db.destroy();
  deps.log.info('workers stopped');
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
await started;
deps.log.info('workers started');
