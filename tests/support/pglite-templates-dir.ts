import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { scratchRoot } from './scratch-root.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder of this test run where PGlite data folders are kept for copying. */
    pgliteTemplates: string;
  }
}

/**
 * Vitest global setup: one folder per test run for the PGlite templates the tests build on
 * first use (tests/support/pglite-template.ts), removed when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(scratchRoot(), 'cowatch-pglite-templates-'));
  project.provide('pgliteTemplates', dir);
  return () => rm(dir, { recursive: true, force: true });
}
