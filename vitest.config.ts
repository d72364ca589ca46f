// Vitest configuration: tests spawn real processes, so they get generous timeouts and run files in parallel forks.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The real aws-lambda-ric is a test fixture with a native build, installed here rather than by the root npm ci.
    globalSetup: ['test/global-setup.ts'],
  },
});
