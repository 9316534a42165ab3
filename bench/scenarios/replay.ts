import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { runChild, serverEnv } from '../lib/server.js';

/**
 * `node bin/cowatch.js replay` (same environment as the server: rebuilds every read model from
 * the whole log into fresh tables and swaps them in) after the load scenarios, as a child
 * process. Figure: its own line `replayed N events in S s (R events/s)`, the applying of the
 * events alone; beside it the whole command (`whole command T s: scratch tables …, swap …`),
 * whose setup and swap cost the same for a log of any length.
 */
export async function replay(ctx: RunContext): Promise<Measurement> {
  const port = Number(new URL(ctx.server.url).port);
  const run = await runChild('node', ['bin/cowatch.js', 'replay'], {
    env: serverEnv(ctx.schema, port),
    timeoutMs: 180_000,
  });
  const match = /replayed (\d+) events in ([\d.]+) s \((\d+) events\/s\)/.exec(run.stdout);
  const whole = /whole command ([\d.]+) s: (.*)/.exec(run.stdout);
  if (run.code !== 0 || !match || !whole) {
    throw new Error(`replay exited ${run.code}: ${(run.stdout + run.stderr).slice(-500)}`);
  }
  const events = Number(match[1]);
  const wholeSeconds = Number(whole[1]);
  return {
    figure: 'replay',
    metrics: {
      eventsPerSec: Number(match[3]),
      events,
      wholeCommandEventsPerSec: Math.round(events / wholeSeconds),
    },
    notes: [
      `${events} events applied in ${match[2]} s (${match[3]} events/s); whole command ` +
        `${wholeSeconds.toFixed(2)} s (${whole[2]}: ${Math.round(events / wholeSeconds)} events/s); ` +
        `${(run.ms / 1000).toFixed(1)} s for the whole process (node and tsx start-up included)`,
    ],
  };
}
