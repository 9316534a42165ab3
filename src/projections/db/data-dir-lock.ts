import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The data directory cannot be used: in use by another process, or damaged. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

const LOCK_FILE = 'cowatch.lock';

/**
 * Takes the data directory for this process. PGlite is one embedded PostgreSQL: two processes
 * on one directory corrupt it, so the second gets a clear error naming the first. A lock left
 * by a dead process (a crash, a kill -9) is taken over. Hand-written: the lock must hold the
 * owner's pid to say who it is, which lockfile libraries keep to themselves.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    command: process.argv.slice(1).join(' '),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const owner = await readOwner(path);
    if (owner !== undefined && isAlive(owner)) {
      throw new DataDirError(
        `the data directory ${dir} is in use by process ${owner.pid} (${owner.command || 'cowatch'}, since ${owner.since}). ` +
          'Two processes must never open one embedded database: stop that process first ' +
          '(then run this again), or give this one another DATA_DIR. ' +
          `If no such process runs, delete ${path}.`,
      );
    }
    // Stale: its process is gone. Remove it and try once more (a racing taker wins cleanly).
    await unlink(path).catch(() => undefined);
  }
  return async () => {
    const owner = await readOwner(path);
    if (owner?.pid === me.pid && owner.host === me.host) await unlink(path).catch(() => undefined);
  };
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid !== 'number') return undefined;
    return {
      pid: owner.pid,
      host: String(owner.host ?? ''),
      command: String(owner.command ?? ''),
      since: String(owner.since ?? ''),
    };
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  // Another machine's process cannot be checked: a shared folder's lock stands.
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
