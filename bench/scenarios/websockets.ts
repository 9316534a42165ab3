import { execFileSync } from 'node:child_process';
import type WebSocket from 'ws';
import { sleep } from '../lib/api.js';
import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { closeAll, openSocket } from '../lib/sockets.js';
import { sampleValue } from '../lib/stats.js';

const TARGET = 10_000;
const BATCH = 500;
// File descriptors the bench process keeps for everything else (autocannon, pg, fetch, …).
const SPARE_FDS = 500;

/** The open-files limit of this process (inherited by a child shell; Node cannot raise it). */
function openFilesLimit(): number {
  try {
    const out = execFileSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

async function openGauge(ctx: RunContext): Promise<number> {
  return sampleValue(await ctx.api.metrics(), 'cowatch_websockets_open') ?? 0;
}

/**
 * Opens 10,000 notification WebSockets from the bench process in batches of 500 (tokens of the
 * viewers, round-robin), then reads the server's `cowatch_websockets_open` gauge: the figure is
 * what the server says is open at once. Then closes them all.
 */
export async function websockets(ctx: RunContext): Promise<Measurement> {
  const limit = openFilesLimit();
  const target = Math.min(TARGET, limit - SPARE_FDS);
  const notes: string[] = [];
  if (target < TARGET) {
    notes.push(`open-files limit ${limit} of the bench process: only ${target} sockets attempted`);
  }
  const baseline = await openGauge(ctx);
  const sockets: WebSocket[] = [];
  let failed = 0;
  let firstError = '';
  const users = ctx.world.users;
  const started = performance.now();
  try {
    for (let offset = 0; offset < target; offset += BATCH) {
      const size = Math.min(BATCH, target - offset);
      const batch = await Promise.allSettled(
        Array.from({ length: size }, (_, i) =>
          openSocket(ctx.server.url, users[(offset + i) % users.length]!.token),
        ),
      );
      for (const outcome of batch) {
        if (outcome.status === 'fulfilled') sockets.push(outcome.value);
        else {
          failed += 1;
          firstError ||= String(outcome.reason);
        }
      }
      // Bounded: stop early if most of a batch fails (the server or a limit gave up).
      if (failed > BATCH) break;
    }
    const openedMs = performance.now() - started;
    await sleep(500);
    const open = (await openGauge(ctx)) - baseline;
    notes.push(
      `${sockets.length} opened by the client in ${(openedMs / 1000).toFixed(1)} s, ${failed} failed` +
        (firstError ? ` (first: ${firstError})` : '') +
        `; server RSS ${await serverRssMb(ctx)} MB`,
    );
    return { figure: 'websockets', metrics: { open, failed }, notes };
  } finally {
    await closeAll(sockets);
  }
}

async function serverRssMb(ctx: RunContext): Promise<string> {
  // prom-client's default metrics, under cowatch's `cowatch_process_` prefix.
  const samples = await ctx.api.metrics();
  const name = samples.find((s) => s.name.endsWith('process_resident_memory_bytes'))?.name;
  const rss = name === undefined ? undefined : sampleValue(samples, name);
  return rss === undefined ? '?' : (rss / 1024 / 1024).toFixed(0);
}
