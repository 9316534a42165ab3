import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openRuntime } from '../../src/runtime.js';
import { type DataDir, newDataDir } from '../support/pglite-template.js';
import { Clock, fillStore } from './fixture.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe('the cowatch executable', () => {
  let data: DataDir;
  let stream: string;

  beforeAll(async () => {
    data = await newDataDir();
    const clock = new Clock();
    const runtime = await openRuntime(loadConfig({ DATA_DIR: data.path }), { now: clock.now });
    try {
      stream = `screening-${(await fillStore(runtime.commands, clock)).assigned}`;
    } finally {
      await runtime.close();
    }
  });
  afterAll(() => data.remove());

  const cowatch = (...args: string[]) =>
    exec('node', ['bin/cowatch.js', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, DATA_DIR: data.path },
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

  it("refuses a data folder another process has open, naming it; takes over a dead one's lock", async () => {
    // This test process opens the folder, as `npm start` would.
    const running = await openRuntime(loadConfig({ DATA_DIR: data.path }));
    try {
      const refused = await cowatch('history', stream).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused?.code).toBe(2);
      expect(refused?.stderr).toContain(`in use by process ${process.pid}`);
      expect(refused?.stderr).toMatch(/stop that process first/);
    } finally {
      await running.close();
    }
    // A lock whose process died (kill -9, a crash) does not keep the folder shut.
    const dead = await exec('node', ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(
      join(data.path, 'cowatch.lock'),
      JSON.stringify({ pid: Number(dead.stdout), host: hostname(), command: 'npm start' }),
    );
    expect((await cowatch('history', stream)).stdout).toContain('ScreeningScheduled');
  });

  it('says clearly that a damaged data folder cannot be opened', async () => {
    const broken = await newDataDir(data.path);
    try {
      await writeFile(join(broken.path, 'pglite', 'global', 'pg_control'), 'not a control file');
      const failed = await exec('node', ['bin/cowatch.js', 'history', stream], {
        cwd: root,
        env: { PATH: process.env.PATH, DATA_DIR: broken.path },
      }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toMatch(/cannot be opened .*probably damaged/);
    } finally {
      await broken.remove();
    }
  });

  it('exits with 2 and a one-line message for an unknown stream', async () => {
    const failed = await cowatch('history', 'place-unknown').then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 2, stderr: 'cowatch: stream place-unknown not found\n' });
  });
});
