import type { Command } from 'commander';
import { readLogRange } from '../projections/engine/log-range.js';
import type { CliContext } from './context.js';
import { toEventJson, toJson } from './event-json.js';
import { CliError, ExitCode } from './io.js';
import { withRuntime } from './runtime.js';

/** `export`: the log, up to its head when the command starts, as NDJSON on stdout. */
export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description('write the event log as NDJSON (one event per line) on stdout')
    .option('--from <position>', 'start after this position (exclusive), as printed by export')
    .action(async (options: { from?: string }) => {
      const { io } = ctx;
      const count = await withRuntime(io, async ({ store }) => {
        if (options.from !== undefined) {
          // Positions are opaque: only the store can tell whether this one is its own.
          try {
            store.comparePositions(options.from, options.from);
          } catch {
            throw new CliError(`not a position of this store: ${options.from}`);
          }
        }
        let written = 0;
        for await (const event of readLogRange(store, { from: options.from })) {
          await io.out(`${toJson(toEventJson(event))}\n`);
          written += 1;
        }
        return written;
      });
      io.err(`exported ${count} events\n`);
      ctx.exit(ExitCode.ok);
    });
}
