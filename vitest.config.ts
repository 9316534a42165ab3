import { defineConfig } from 'vitest/config';
import { scratchRoot } from './tests/support/scratch-root.js';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Builds the web client (web/dist) when it is missing or stale: the API serves it at `/`.
    // A folder for PGlite templates: tests copy a migrated database instead of creating one.
    globalSetup: ['tests/support/build-web.ts', 'tests/support/pglite-templates-dir.ts'],
    // Every `tmpdir()` of the tests and of the processes they start: memory-backed when it can.
    env: { TMPDIR: scratchRoot() },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: a third worker gained ~6 % (146–152 s against 159 s) while oversubscribing the
    // CPU the tests with short waits for the read models depend on; not worth the flakes.
    maxWorkers: 2,
    // A worker keeps its modules from one test file to the next instead of importing the app
    // anew for each (import time summed over the files: 62 s → 9 s; the suite 200 s → 165 s).
    // Safe because no test mocks a module or leaves global state behind: every file builds its
    // own stores and app, and closes them.
    isolate: false,
  },
});
