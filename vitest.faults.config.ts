import { defineConfig } from 'vitest/config';

/** npm run test:faults: the crash and restart scenarios (slower; they start and kill processes). */
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
