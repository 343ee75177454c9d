import { defineConfig } from 'vitest/config';

/**
 * `npm run test:soak`: the long runs (a million JSON Lines, a 200 MB
 * document, hundreds of kills and faults, many more property cases).
 * Budget: 15 minutes on two cores. The property tests of npm test run here
 * again with twenty times their cases.
 */
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts', 'test/security/**/*.property.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', PROPERTY_RUNS_FACTOR: '20' },
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
