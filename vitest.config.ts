import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Builds the web client (web/dist) when it is missing or stale: the API serves it at `/`.
    // A folder for PGlite templates: tests copy a migrated database instead of creating one.
    globalSetup: ['tests/support/build-web.ts', 'tests/support/pglite-templates-dir.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: more workers only fight over the CPU with PostgreSQL.
    maxWorkers: 2,
  },
});
