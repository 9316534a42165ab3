/**
 * `npm run bench [-- --quick] [--runs N] [--only a,b] [--profile] [--verify]`
 *
 * Starts cowatch as a child process on local PostgreSQL (a fresh schema per run) and Redis,
 * drives it over real HTTP and WebSocket connections, and prints one table: each figure's
 * median over the runs, its target, PASS or MISS. See bench/README.md.
 */
import { readdir, stat } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Api } from './lib/api.js';
import { createRunContext, type RunContext } from './lib/context.js';
import {
  type Aggregate,
  FIGURES,
  type Measurement,
  type Metrics,
  SCENARIOS,
  type ScenarioName,
} from './lib/figures.js';
import {
  aborting,
  type BenchServer,
  cleanUpAll,
  createSchema,
  dropStaleSchemas,
  PROFILE_DIR,
  startServer,
} from './lib/server.js';
import { createWorld } from './lib/setup.js';
import { median } from './lib/stats.js';
import { formatTable } from './lib/table.js';
import {
  busyMs,
  monotonicUs,
  readProfile,
  topFunctions,
  type Window,
} from './lib/top-functions.js';
import { baseline } from './scenarios/baseline.js';
import { holds } from './scenarios/holds.js';
import { hotStream, verifyLog } from './scenarios/hot-stream.js';
import { lastSeat } from './scenarios/last-seat.js';
import { notifications } from './scenarios/notifications.js';
import { readYourWrites } from './scenarios/read-your-writes.js';
import { replay } from './scenarios/replay.js';
import { rooms } from './scenarios/rooms.js';
import { search } from './scenarios/search.js';
import { social } from './scenarios/social.js';
import { tracking, trackingAnalytics } from './scenarios/tracking.js';
import { websockets } from './scenarios/websockets.js';

interface Step {
  /** The figures this step measures (holds measures the projection lag too). */
  readonly names: readonly ScenarioName[];
  readonly run: (ctx: RunContext) => Promise<Measurement | Measurement[]>;
}

// In this order: replay last, once the load scenarios have filled the log.
const STEPS: readonly Step[] = [
  { names: ['holds', 'projection-lag'], run: holds },
  { names: ['hot-stream'], run: hotStream },
  { names: ['last-seat'], run: lastSeat },
  { names: ['read-your-writes'], run: readYourWrites },
  { names: ['search'], run: search },
  // Right after cowatch's holds and search: the ratios compare figures of the same run.
  { names: ['baseline'], run: baseline },
  { names: ['notifications'], run: notifications },
  { names: ['websockets'], run: websockets },
  { names: ['social'], run: social },
  { names: ['rooms'], run: rooms },
  { names: ['tracking'], run: tracking },
  { names: ['tracking-analytics'], run: trackingAnalytics },
  { names: ['replay'], run: replay },
];

const USAGE = `usage: npm run bench -- [options]
  --quick          one short run (3 s load phases) instead of ${3} full runs
  --runs N         number of runs (fresh schema and server each); the table shows medians
  --only a,b       only these scenarios: ${SCENARIOS.join(', ')}
  --profile        start the server with --cpu-prof (into bench/profiles) and print its top
                   self-time functions after each run
  --verify         also run \`cowatch verify\` over the whole log at the end of each run
  --protections    request log at info and an Idempotency-Key on every hold (rate limits stay
                   off: production's would refuse the bench's load)`;

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
      protections: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  // Read by the server environment and the hold requests (bench/lib/server.ts).
  if (values.protections) process.env.BENCH_PROTECTIONS = '1';
  const runs = values.runs ? Number(values.runs) : values.quick ? 1 : 3;
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error('--runs: 1 to 20');
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...SCENARIOS];
  for (const name of only) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      throw new Error(`--only: unknown scenario ${name} (${SCENARIOS.join(', ')})`);
    }
  }
  return {
    quick: values.quick,
    runs,
    only: new Set(only as ScenarioName[]),
    profile: values.profile,
    verify: values.verify,
  };
}

const benchStart = performance.now();
// Other work on the machine skews every figure: the header reports the load before the bench.
const loadBefore = loadavg()[0] ?? 0;
const log = (message: string) =>
  console.error(
    `[${((performance.now() - benchStart) / 1000).toFixed(0).padStart(4)} s] ${message}`,
  );

/**
 * The server's main-thread profile: --cpu-prof writes one file per thread (the tsx loader runs
 * in a worker), so of the files written since `since`, the busiest.
 */
async function mainThreadProfile(since: number): Promise<string | undefined> {
  const files = await readdir(PROFILE_DIR).catch(() => [] as string[]);
  let best: { file: string; busy: number } | undefined;
  for (const name of files.filter((f) => f.endsWith('.cpuprofile'))) {
    const file = join(PROFILE_DIR, name);
    if ((await stat(file)).mtimeMs < since) continue;
    const busy = busyMs(await readProfile(file));
    if (!best || busy > best.busy) best = { file, busy };
  }
  return best?.file;
}

/** One run: fresh schema, fresh server, setup, the selected scenarios; always cleans up. */
async function oneRun(
  run: number,
  opts: ReturnType<typeof options>,
  results: Measurement[],
  errors: Map<ScenarioName, string[]>,
): Promise<void> {
  const schema = await createSchema();
  let server: BenchServer | undefined;
  const serverStarted = Date.now();
  const windows: { label: string; window: Window }[] = [];
  try {
    log(`run ${run}: schema ${schema.name}; starting the server…`);
    server = await startServer({ schema: schema.name, profile: opts.profile });
    const api = new Api(server.url);
    log(`run ${run}: server pid ${server.pid} ready on ${server.url}; setting up through the API…`);
    const world = await createWorld(api, {
      users: opts.quick ? 100 : 200,
      hosts: 10,
      placesPerHost: 2,
    });
    const measuredInRun: Measurement[] = [];
    const ctx = createRunContext({
      measured: measuredInRun,
      server,
      api,
      world,
      schema: schema.name,
      quick: opts.quick,
      log,
    });
    const selected = STEPS.filter((step) => step.names.some((n) => opts.only.has(n)));
    if (selected.some((s) => s.run === holds || s.run === search || s.run === baseline)) {
      await ctx.manyScreenings();
      await api.settle();
    }
    log(`run ${run}: ${world.users.length} viewers, ${world.places.length} places ready`);
    for (const step of selected) {
      const label = step.names.join(' + ');
      log(`run ${run}: ${label}…`);
      const fromUs = monotonicUs();
      try {
        const measured = await step.run(ctx);
        windows.push({ label, window: { fromUs, toUs: monotonicUs() } });
        for (const m of [measured].flat()) {
          measuredInRun.push(m);
          if (!opts.only.has(m.figure)) continue;
          results.push(m);
          for (const note of m.notes ?? []) log(`  ${m.figure}: ${note}`);
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`  ${label} FAILED: ${message}`);
        for (const name of step.names) errors.set(name, [...(errors.get(name) ?? []), message]);
        const alive = await api.request('GET', '/health/live').then(
          (r) => r.status === 200,
          () => false,
        );
        if (!alive) throw new Error(`the server died\n--- server log ---\n${server.logTail()}`);
      }
      if (!(await api.settle(30_000))) log('  (the projections had not caught up after 30 s)');
    }
    if (opts.verify) {
      log(`run ${run}: cowatch verify…`);
      const verified = await verifyLog(ctx);
      log(`  verify: ${verified.line}`);
      if (!verified.ok) {
        errors.set('hot-stream', [...(errors.get('hot-stream') ?? []), verified.line]);
      }
    }
  } finally {
    if (server) {
      log(`run ${run}: stopping the server${opts.profile ? ' (writing its CPU profile)' : ''}…`);
      await server.stop();
    }
    await schema.drop();
    log(`run ${run}: schema dropped`);
  }
  if (opts.profile) {
    const file = await mainThreadProfile(serverStarted);
    if (!file) log('no CPU profile found (did the server exit cleanly?)');
    else {
      console.log(`\nCPU profile of the server, run ${run}, whole process:`);
      console.log(await topFunctions(file, 20, undefined, 10));
      for (const { label, window } of windows) {
        console.log(`\nCPU profile of the server, run ${run}, during ${label}:`);
        console.log(await topFunctions(file, 20, window, 10));
      }
      console.log('');
    }
  }
}

function aggregate(values: readonly number[], how: Aggregate): number {
  if (how === 'min') return Math.min(...values);
  if (how === 'max') return Math.max(...values);
  return median(values);
}

function report(
  opts: ReturnType<typeof options>,
  results: readonly Measurement[],
  errors: ReadonlyMap<ScenarioName, string[]>,
): string {
  const rows: string[][] = [];
  for (const spec of FIGURES) {
    if (!opts.only.has(spec.figure)) continue;
    const runs = results.filter((m) => m.figure === spec.figure);
    const failed = errors.get(spec.figure)?.length ?? 0;
    if (runs.length === 0) {
      rows.push([
        spec.label,
        `error: ${errors.get(spec.figure)?.[0] ?? 'not run'}`.slice(0, 60),
        spec.target,
        'ERROR',
      ]);
      continue;
    }
    const metrics: Metrics = {};
    for (const [key, how] of Object.entries(spec.aggregate)) {
      metrics[key] = aggregate(
        runs.map((m) => m.metrics[key] ?? Number.NaN),
        how,
      );
    }
    const pass = spec.pass(metrics) && failed === 0;
    const measured = spec.format(metrics) + (failed ? ` (${failed} run(s) failed)` : '');
    rows.push([spec.label, measured, spec.target, pass ? 'PASS' : 'MISS']);
  }
  const cpu = cpus();
  const what = opts.quick
    ? 'one short run (--quick)'
    : `median of ${opts.runs} run${opts.runs === 1 ? '' : 's'}`;
  return [
    `This machine has ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), shared by the load generator and the server; node ${process.version}; ${what}.`,
    `Protections: ${process.env.BENCH_PROTECTIONS === '1' ? 'request log at info, Idempotency-Key on holds' : 'request log at warn, no Idempotency-Key'}; session consistency on; rate limits off.`,
    `Load average before the bench: ${loadBefore.toFixed(2)}${loadBefore > cpu.length / 2 ? ' (other work was running: figures are pessimistic)' : ''}.`,
    '',
    formatTable(
      ['figure', `measured (${opts.quick ? '1 run' : 'median'})`, 'target', 'result'],
      rows,
    ),
  ].join('\n');
}

async function main(): Promise<number> {
  const opts = options();
  const results: Measurement[] = [];
  const errors = new Map<ScenarioName, string[]>();
  const stale = await dropStaleSchemas();
  if (stale.length > 0) log(`dropped ${stale.length} stale bench schema(s): ${stale.join(', ')}`);
  try {
    for (let run = 1; run <= opts.runs; run++) await oneRun(run, opts, results, errors);
  } finally {
    await cleanUpAll();
  }
  console.log(`\n${report(opts, results, errors)}\n`);
  log(`done in ${((performance.now() - benchStart) / 1000).toFixed(0)} s`);
  return errors.size > 0 ? 1 : 0;
}

main().then(
  (code) => {
    if (!aborting()) process.exit(code);
  },
  async (error: unknown) => {
    // On Ctrl-C the signal handler cleans up and exits; the errors it causes here are noise.
    if (aborting()) return;
    console.error(error instanceof Error ? error.message : error);
    await cleanUpAll();
    process.exit(1);
  },
);
