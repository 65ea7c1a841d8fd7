import { CommandPath } from '../db/command-path.js';
import type { Db } from '../db/connection.js';
import type { AgencyDirectory } from '../db/directory.js';
import type { RegionPolicy } from '../db/region-policy.js';
import type { Config } from '../schemas/config.js';
import type { HubMetrics } from './metrics.js';
import { VerifierPool } from './verifier-pool.js';

/** A process's command path, sized by its configuration and reporting its batches to its metrics. */
export function createCommandPath(deps: {
  db: Db;
  directory: AgencyDirectory;
  policy: RegionPolicy;
  clock: () => Date;
  metrics: HubMetrics;
  config?: Config;
  onCommitted?: () => void;
}): CommandPath {
  const { config } = deps;
  return new CommandPath({
    ...deps,
    ...(config
      ? {
          maxBatch: config.COMMAND_BATCH_MAX,
          maxInFlight: config.COMMAND_BATCHES_IN_FLIGHT,
          ...(config.SIGNATURE_VERIFY_THREADS > 0
            ? { verifier: new VerifierPool(config.SIGNATURE_VERIFY_THREADS) }
            : {}),
          fileLimits: {
            maxBytes: config.REFERRAL_FILES_MAX_BYTES,
            maxCount: config.REFERRAL_FILES_MAX_COUNT,
          },
        }
      : {}),
    onBatch: (written, _commands, ms) => {
      deps.metrics.commandBatch.observe(written);
      deps.metrics.commandBatchSeconds.observe(ms / 1000);
    },
  });
}
