import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openPglite } from '../../src/projections/db/open-pglite.js';
import { openRuntime } from '../../src/runtime.js';

/** The subfolder of a DATA_DIR that holds PGlite's files (the lock file sits beside it). */
const PGLITE = 'pglite';

let migrated: Promise<string> | undefined;

/**
 * A DATA_DIR that `openRuntime` has already created and migrated, built once per test run.
 * A new PGlite folder runs initdb and every migration: seconds on two cores, where copying
 * the result takes a fraction of one. Opening the copy is what the server does on a restart.
 */
function migratedTemplate(): Promise<string> {
  migrated ??= (async () => {
    const template = join(inject('pgliteTemplates'), 'migrated');
    if (existsSync(join(template, PGLITE))) return template;
    // Built aside, then renamed into place: a worker never sees a half-built template, and
    // when two build it at once the second rename fails and its copy is dropped.
    const building = join(inject('pgliteTemplates'), `building-${randomUUID()}`);
    const runtime = await openRuntime(loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: building }));
    await runtime.close();
    await rename(building, template).catch(() => rm(building, { recursive: true, force: true }));
    return template;
  })();
  return migrated;
}

/** Copies the PGlite files of DATA_DIR `from` into DATA_DIR `to` (neither may be open). */
async function copyDataDir(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  try {
    // The system's cp copies PGlite's 1,100 files in a sixth of the time fs.cp takes (48 against
    // 286 ms in memory), which walks them one by one in JavaScript.
    await promisify(execFile)('cp', ['-R', join(from, PGLITE), join(to, PGLITE)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await cp(join(from, PGLITE), join(to, PGLITE), { recursive: true });
  }
}

/** A DATA_DIR of a test's own; `remove` deletes it (close what opened it first). */
export interface DataDir {
  readonly path: string;
  remove(): Promise<void>;
}

/**
 * A new DATA_DIR in the scratch folder holding a copy of DATA_DIR `from`'s database (closed),
 * or of the migrated template when `from` is unset.
 */
export async function newDataDir(from?: string): Promise<DataDir> {
  const path = await mkdtemp(join(tmpdir(), 'cowatch-data-'));
  await copyDataDir(from ?? (await migratedTemplate()), path);
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

let fresh: Promise<Blob> | undefined;

/** A dump of a just-initialised PGlite cluster (initdb only), built once per test run. */
function freshCluster(): Promise<Blob> {
  fresh ??= (async () => {
    const file = join(inject('pgliteTemplates'), 'fresh.tar');
    if (!existsSync(file)) {
      const pglite = await openPglite();
      const dump = await pglite.dumpDataDir('none');
      await pglite.close();
      // Written aside and renamed: another worker never reads half a file.
      const building = `${file}.${randomUUID()}`;
      await writeFile(building, Buffer.from(await dump.arrayBuffer()));
      await rename(building, file);
    }
    return new Blob([await readFile(file)]);
  })();
  return fresh;
}

/**
 * An in-memory PGlite like `openPglite()`'s, empty as initdb leaves it, started from a dump:
 * initdb takes seconds on two cores, loading its result a fraction of that.
 */
export async function openFreshPglite(): Promise<PGlite> {
  return openPglite(undefined, { loadDataDir: await freshCluster() });
}
