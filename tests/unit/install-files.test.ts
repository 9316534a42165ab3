import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/** The real install files at the repository root: these tests fail when they drift. */
function read(relative: string): string {
  return readFileSync(fileURLToPath(new URL(`../../${relative}`, import.meta.url)), 'utf8');
}

interface LockedPackage {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | readonly string[];
  readonly os?: readonly string[];
}

describe('install from the lockfile', () => {
  const manifest = JSON.parse(read('package.json')) as { engines: { node: string } };
  const lock = JSON.parse(read('package-lock.json')) as {
    packages: Record<string, LockedPackage>;
  };

  it('promises only a Node version every locked package accepts', () => {
    // The oldest Node that package.json admits must satisfy every dependency's own `engines`:
    // otherwise `engines` lies (a dependency needing Node 22 while we say 20).
    const oldest = semver.minVersion(manifest.engines.node);
    expect(oldest, 'engines.node is a range').not.toBeNull();
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, locked]) => {
        // Old packages may still carry the long-deprecated array form of `engines`: no Node range.
        const engines = locked.engines;
        const range =
          engines && !Array.isArray(engines) ? (engines as { node?: string }).node : undefined;
        if (range === undefined || semver.satisfies(oldest ?? '0.0.0', range)) return [];
        return [`${path.replace(/^.*node_modules\//, '')}@${locked.version} wants node ${range}`];
      });
    expect(refusing).toEqual([]);
  });

  it('lists other platforms’ optional binaries, so `npm ci` accepts the lockfile anywhere', () => {
    const biomeBinaries = Object.keys(lock.packages).filter((path) =>
      path.startsWith('node_modules/@biomejs/cli-'),
    );
    expect(biomeBinaries).toEqual(
      expect.arrayContaining([
        'node_modules/@biomejs/cli-linux-x64',
        'node_modules/@biomejs/cli-darwin-arm64',
        'node_modules/@biomejs/cli-win32-x64',
      ]),
    );
  });

  it('installs with `npm ci` in CI and in the image', () => {
    expect(read('.ci/run')).toMatch(/^npm ci\b/m);
    expect(read('Dockerfile')).toMatch(/^RUN npm ci --omit=dev\b/m);
  });
});
