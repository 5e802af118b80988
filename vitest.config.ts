import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // Vitest's default is one file fewer than the cores: a single file at a time on two cores,
    // where most files spend their time waiting on a server, a database or a browser.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
