import { defineConfig } from 'vitest/config';

// End-to-end tests run the real Claude Code binary against a local API stand-in.
// Each session takes 1-4 s and hook processes compete for 2 cores, so files run one
// at a time and tests get long timeouts.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default'],
  },
});
