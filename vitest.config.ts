import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.tools/**', '.data/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll's 1 s default is shorter than a first page load in Chromium on a busy 2-core machine.
    expect: { poll: { timeout: 10_000 } },
  },
});
