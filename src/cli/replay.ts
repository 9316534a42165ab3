import type { Command } from 'commander';
import { sql } from 'kysely';
import type { Db } from '../projections/db/database.js';
import { READ_MODELS_PROJECTOR } from '../projections/read-models.js';
import { READ_MODEL_GROUP_NAMES, readModelGroup } from '../projections/replay/read-model-groups.js';
import { replayAndSwap } from '../projections/replay/replay-and-swap.js';
import type { CliContext } from './context.js';
import { CliError, ExitCode } from './io.js';
import { Progress, rateOf } from './progress.js';
import { withRuntime } from './runtime.js';

/** Events in the PostgreSQL/PGlite log, for the progress bar; EventStoreDB gives no cheap count. */
async function countEvents(db: Db): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM events`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** `replay`: rebuilds read models from the log into fresh tables and swaps them in. */
export function registerReplay(program: Command, ctx: CliContext): void {
  program
    .command('replay')
    .description(
      'rebuild read models from the whole log into fresh tables, then swap them in at once',
    )
    .option(
      '--projection <name>',
      `what to rebuild: ${READ_MODEL_GROUP_NAMES.join(', ')} (screenings and bookings are rebuilt together)`,
      READ_MODELS_PROJECTOR,
    )
    .action(async (options: { projection: string }) => {
      const group = readModelGroup(options.projection);
      if (!group) {
        throw new CliError(
          `unknown projection ${options.projection}: expected ${READ_MODEL_GROUP_NAMES.join(', ')}`,
        );
      }
      const { io } = ctx;
      const started = performance.now();
      await withRuntime(io, async ({ store, db, config }) => {
        const total = config.EVENTSTORE_URL ? undefined : await countEvents(db);
        const progress = new Progress(io.err, io.errIsTTY === true, total);
        const result = await replayAndSwap({
          store,
          db,
          ...group,
          // PGlite is one connection: the replay cannot read while the swap holds it.
          catchUpUnderLock: config.DATABASE_URL !== undefined,
          onProgress: (applied) => progress.update(applied),
        });
        progress.finish(result.applied);
        const { setupMs, applyingMs, finishMs, dropMs } = result.timings;
        const applying = applyingMs / 1000;
        const rate = Math.round(rateOf(result.applied, applying));
        await io.out(
          `replayed ${result.applied} events in ${applying.toFixed(2)} s (${rate} events/s); ` +
            `swapped in ${result.tables.join(', ')} at position ${result.position ?? '(start of the log)'}\n`,
        );
        const whole = (performance.now() - started) / 1000;
        await io.out(
          `whole command ${whole.toFixed(2)} s: scratch tables ${seconds(setupMs)}, ` +
            `applying ${seconds(applyingMs)}, swap ${seconds(finishMs)}, drop ${seconds(dropMs)}\n`,
        );
      });
      ctx.exit(ExitCode.ok);
    });
}
