import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'core/**/*.test.ts',
      'web/**/*.test.ts',
      'workers/**/*.test.ts',
      'edge-proxy/**/*.test.ts',
      'cli/**/*.test.ts',
      'node/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
