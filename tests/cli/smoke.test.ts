import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openRuntime } from '../../src/runtime.js';
import { Clock, fillStore } from './fixture.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe('the cowatch executable', () => {
  let dataDir: string;
  let stream: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cowatch-bin-'));
    const clock = new Clock();
    const runtime = await openRuntime(loadConfig({ DATA_DIR: dataDir }), { now: clock.now });
    try {
      stream = `screening-${(await fillStore(runtime.commands, clock)).assigned}`;
    } finally {
      await runtime.close();
    }
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const cowatch = (...args: string[]) =>
    exec('node', ['bin/cowatch.js', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, DATA_DIR: dataDir },
    });

  it('prints its help', async () => {
    const { stdout } = await cowatch('--help');
    for (const command of ['history', 'state', 'replay', 'verify', 'export', 'import']) {
      expect(stdout).toContain(`  ${command} `);
    }
  });

  it("prints a stream's history from the data folder", async () => {
    const { stdout } = await cowatch('history', stream);
    const types = stdout
      .split('\n')
      .slice(1, 3)
      .map((line) => line.split(/\s+/)[2]);
    expect(types).toEqual(['ScreeningScheduled', 'SeatsHeld']);
  });

  it('exits with 2 and a one-line message for an unknown stream', async () => {
    const failed = await cowatch('history', 'place-unknown').then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 2, stderr: 'cowatch: stream place-unknown not found\n' });
  });
});
