import { accessSync, constants, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** Linux's memory-backed folder; absent elsewhere (macOS), where the system's tmpdir serves. */
const MEMORY_BACKED = '/dev/shm';

/**
 * What the suite may hold there at once: a PGlite folder is 40 MB, and two workers keep
 * templates, seeded sources and copies. Containers often give /dev/shm 64 MB: too small.
 */
const ROOM_NEEDED = 2 * 1024 ** 3;

/**
 * Where tests keep their scratch files: PGlite data folders above all, which the CLI tests copy
 * and open by the dozen. On disk every copy (40 MB, 1,100 files) and every PGlite flush goes
 * through the page cache to the block device; in memory the suite ran 183 s → 165 s on two
 * cores. Falls back to the system's tmpdir when there is no memory-backed folder with room.
 */
export function scratchRoot(): string {
  try {
    accessSync(MEMORY_BACKED, constants.W_OK);
    const { bavail, bsize } = statfsSync(MEMORY_BACKED);
    return bavail * bsize >= ROOM_NEEDED ? MEMORY_BACKED : tmpdir();
  } catch {
    return tmpdir();
  }
}
