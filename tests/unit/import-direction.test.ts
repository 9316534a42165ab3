import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Imports run down the layers only: domain ← commands ← eventstore, projections ← api (with
 * runtime, config, mail, tickets) ← cli, server. Hand-written rather than dependency-cruiser: one regex over `src` runs in
 * milliseconds inside the unit suite and adds no dependency.
 */
const LAYERS: Readonly<Record<string, number>> = {
  domain: 0,
  commands: 1,
  eventstore: 2,
  projections: 2,
  // The film catalogue is read-side data the projections and the CLI use.
  films: 2,
  api: 3,
  // App services beside the HTTP layer (they send mail, sign tickets, talk to the payment
  // provider): they read the config and the stores, and nothing below imports them.
  billing: 3,
  mail: 3,
  tickets: 3,
  config: 3,
  // The stores the API runs on (the API's composition root takes it); nothing below should.
  runtime: 3,
  cli: 4,
  server: 4,
};

/**
 * Today's upward imports, each to be removed by moving what is shared down (not to grow: a new
 * upward import fails the test, and so does an entry here that no longer occurs).
 */
const ALLOWED: readonly string[] = [
  // The EventStore port (types and WrongExpectedRevision) lives in eventstore/: the commands
  // layer codes against it. Moving the port's interface into commands/ (or domain/) fixes these.
  'commands/append-batcher.ts -> eventstore/event-store.ts',
  'commands/command-context.ts -> eventstore/event-store.ts',
  'commands/decider-handler.ts -> eventstore/errors.ts',
  'commands/decider-handler.ts -> eventstore/event-store.ts',
  'commands/event-envelope.ts -> eventstore/event-store.ts',
  'commands/event-envelope.ts -> eventstore/upcast.ts',
  // Takes the whole Runtime: it should take the stores it uses, as the reactors now do.
  'projections/tracking/tracking-maintenance.ts -> runtime.ts',
];

const SRC = resolve(import.meta.dirname, '../../src');
// `import … from './x.js'`, `export … from './x.js'` and `import './x.js'` (relative only).
const IMPORT = /(?:\bfrom\s+|^import\s+)['"](\.[^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const layerOf = (root: string, file: string): string =>
  relative(root, file).split('/')[0]!.replace(/\.ts$/, '');

/** Every import from a lower layer to a higher one, as `from -> to` (paths under src). */
function upwardImports(root = SRC): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(root)) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), specifier!).replace(/\.js$/, '.ts');
      const [from, to] = [LAYERS[layerOf(root, file)], LAYERS[layerOf(root, target)]];
      if (from === undefined || to === undefined) {
        throw new Error(`no layer for ${relative(root, file)} or ${relative(root, target)}`);
      }
      if (to > from) found.push(`${relative(root, file)} -> ${relative(root, target)}`);
    }
  }
  return found.sort();
}

describe('import direction', () => {
  it('imports run down the layers, but for the listed exceptions', () => {
    expect(upwardImports()).toEqual([...ALLOWED].sort());
  });

  it('finds an upward import in any form, and lets downward ones be', () => {
    const root = mkdtempSync(join(tmpdir(), 'cowatch-layers-'));
    try {
      mkdirSync(join(root, 'domain'));
      mkdirSync(join(root, 'api'));
      writeFileSync(join(root, 'api/y.ts'), "import { x } from '../domain/x.js';\n");
      writeFileSync(
        join(root, 'domain/x.ts'),
        "import type {\n  Y,\n} from '../api/y.js';\nexport * from '../config.js';\n",
      );
      writeFileSync(join(root, 'config.ts'), '');
      expect(upwardImports(root)).toEqual(['domain/x.ts -> api/y.ts', 'domain/x.ts -> config.ts']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
