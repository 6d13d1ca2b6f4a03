import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the panel in Debian's Chromium against a real stack (sequential, one stack).
export default defineConfig({
  root: __dirname,
  test: { include: ['test/browser/**/*.test.ts'], environment: 'node', fileParallelism: false, testTimeout: 120_000, hookTimeout: 180_000 },
});
