import { CommandPath } from '../db/command-path.js';
import type { Db } from '../db/connection.js';
import type { AgencyDirectory } from '../db/directory.js';
import type { RegionPolicy } from '../db/region-policy.js';
import type { HubMetrics } from './metrics.js';

/** A process's command path, reporting its batches to the process's metrics. */
export function createCommandPath(deps: {
  db: Db;
  limits?: { maxBatch: number; maxInFlight: number };
  directory: AgencyDirectory;
  policy: RegionPolicy;
  clock: () => Date;
  metrics: HubMetrics;
  onCommitted?: () => void;
}): CommandPath {
  return new CommandPath({
    ...deps,
    ...(deps.limits ?? {}),
    onBatch: (written, _commands, ms) => {
      deps.metrics.commandBatch.observe(written);
      deps.metrics.commandBatchSeconds.observe(ms / 1000);
    },
  });
}
