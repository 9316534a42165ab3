import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventJson } from '../../src/cli/event-json.js';
import { backends, type CliEnv, withRuntime } from './cli-env.js';
import { Clock, fillStore } from './fixture.js';

const lines = (ndjson: string): EventJson[] =>
  ndjson
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));

/** The events of each stream in order, without what a new store assigns (time, position). */
function byStream(events: readonly EventJson[]) {
  const streams = new Map<string, object[]>();
  for (const { streamId, revision, id, type, data, metadata } of events) {
    streams.set(streamId, [
      ...(streams.get(streamId) ?? []),
      { revision, id, type, data, metadata },
    ]);
  }
  return Object.fromEntries([...streams].sort(([a], [b]) => a.localeCompare(b)));
}

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe.each(backends)('export and import on $name', (backend) => {
  let source: CliEnv;
  let target: CliEnv;
  let dir: string;

  // Filled once; each test gets a copy of its own (on PostgreSQL, a new fill).
  const sources = backend.seeded((fresh) => {
    const clock = new Clock();
    return withRuntime(fresh, (runtime) => fillStore(runtime.commands, clock), clock.now);
  });

  beforeEach(async () => {
    [source, target] = [(await sources.create()).env, await backend.create()];
    dir = await mkdtemp(join(tmpdir(), 'cowatch-export-'));
  });
  afterEach(async () => {
    await source.dispose();
    await target.dispose();
    await rm(dir, { recursive: true, force: true });
  });
  afterAll(() => sources.dispose());

  it('export → import into an empty store → export gives the same events', async () => {
    const exported = await source.cli(['export']);
    expect(exported.code).toBe(0);
    const original = lines(exported.out);
    expect(exported.err).toBe(`exported ${original.length} events\n`);
    // Streams interleave in the log: the import must keep each stream's order across them.
    expect(original.map((e) => e.streamId.split('-')[0]).slice(0, 3)).toEqual([
      'place',
      'place',
      'screening',
    ]);
    const file = join(dir, 'log.ndjson');
    await writeFile(file, exported.out);

    const imported = await target.cli(['import', file]);
    expect(imported).toMatchObject({
      code: 0,
      err: `imported ${original.length} events in 5 streams\n`,
    });
    const reExported = (await target.cli(['export'])).out;
    const again = lines(reExported);
    expect(byStream(again)).toEqual(byStream(original));
    expect(again.map((e) => e.id)).toEqual(original.map((e) => e.id));
    // Byte for byte the same log, times and metadata included: only positions are the store's.
    const withoutPositions = (ndjson: string) =>
      ndjson.replaceAll(/,"position":"[^"]*"/g, '').split('\n');
    expect(withoutPositions(reExported)).toEqual(withoutPositions(exported.out));
    expect(again.map((e) => e.createdAt)).toEqual(original.map((e) => e.createdAt));
    // So a state as of a past time is the same on both stores.
    const screening = original.find((e) => e.streamId.startsWith('screening-'))!;
    const asOf = ['state', screening.streamId, '--at', screening.createdAt];
    expect((await target.cli(asOf)).out).toBe((await source.cli(asOf)).out);

    // The imported store is whole: invariants hold and a replay matches its read models.
    expect((await target.cli(['replay'])).code).toBe(0);
    expect((await target.cli(['verify'])).code).toBe(0);
  });

  it('export --from starts after a position; import reads standard input', async () => {
    const all = lines((await source.cli(['export'])).out);
    const from = all[4]!.position;
    const rest = lines((await source.cli(['export', '--from', from])).out);
    expect(rest.map((e) => e.id)).toEqual(all.slice(5).map((e) => e.id));
    expect((await source.cli(['export', '--from', 'nowhere'])).code).toBe(2);

    const head = all
      .slice(0, 5)
      .map((e) => JSON.stringify(e))
      .join('\n');
    expect((await target.cli(['import', '-'], `${head}\n`)).code).toBe(0);
    const tail = `${rest.map((e) => JSON.stringify(e)).join('\n')}\n`;
    const refused = await target.cli(['import', '-'], tail);
    expect(refused).toMatchObject({
      code: 2,
      err: expect.stringMatching(/already has events.*--force/),
    });
    expect((await target.cli(['import', '--force', '-'], tail)).code).toBe(0);
    expect(byStream(lines((await target.cli(['export'])).out))).toEqual(byStream(all));
  });
});

describe.each(backends)('import of bad input on $name', (backend) => {
  let target: CliEnv;
  beforeEach(async () => {
    target = await backend.create();
  });
  afterEach(() => target.dispose());

  it('refuses malformed input with the line number', async () => {
    const bad = await target.cli(['import', '-'], '{"streamId":"place-1"}\n');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^cowatch: line 1: not an exported event/);
    const missing = await target.cli(['import', join(tmpdir(), 'cowatch-missing.ndjson')]);
    expect(missing).toMatchObject({ code: 2, err: expect.stringMatching(/cannot read/) });
  });

  it('refuses an event whose data does not match its type’s schema, naming the line', async () => {
    const placeId = '7d1c3f0e-2b4a-4e6f-8a9c-0b1d2e3f4a5b';
    const line = (revision: number, type: string, data: object) =>
      JSON.stringify({
        streamId: `place-${placeId}`,
        revision: String(revision),
        id: `0190f2a1-7c3e-7b4d-9e5f-00000000000${revision}`,
        type,
        data,
        metadata: { correlationId: 'import', schemaVersion: 1 },
      });
    const created = { placeId, hostId: placeId, name: 'Attic', address: null, description: null };
    const input = [
      line(0, 'PlaceCreated', { ...created, createdAt: '2030-01-01T10:00:00.000Z' }),
      line(1, 'PlaceDeleted', { placeId, deletedAt: 7 }),
    ].join('\n');
    const bad = await target.cli(['import', '-'], `${input}\n`);
    expect(bad).toMatchObject({
      code: 2,
      err: 'cowatch: line 2: PlaceDeleted data does not match its schema (deletedAt: Invalid input: expected string, received number)\n',
    });
  });
});
