import type { Command } from 'commander';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.js';
import type { CliContext } from './context.js';
import { toEventJson, toJson } from './event-json.js';
import { CliError, ExitCode } from './io.js';
import { withRuntime } from './runtime.js';
import { shortId, summarize } from './summary.js';
import { formatTable } from './table.js';

/** Reads a whole stream, or fails with a clear message when it does not exist. */
export async function readExistingStream(
  store: Pick<EventStore, 'read'>,
  streamId: string,
): Promise<readonly RecordedEvent[]> {
  const { events, revision } = await store.read(streamId);
  if (revision === null) throw new CliError(`stream ${streamId} not found`);
  return events;
}

/** `history <stream>`: the stream's events as a table, or as JSON with --json. */
export function registerHistory(program: Command, ctx: CliContext): void {
  program
    .command('history')
    .description("list a stream's events: revision, time, type, user, correlation, summary")
    .argument('<stream>', 'stream id, e.g. screening-<uuid> or place-<uuid>')
    .option('--json', 'print the events as a JSON array (revision as a string)')
    .action(async (stream: string, options: { json?: boolean }) => {
      const events = await withRuntime(ctx.io, ({ store }) => readExistingStream(store, stream));
      if (options.json) {
        await ctx.io.out(`${toJson(events.map(toEventJson), 2)}\n`);
      } else {
        const header = ['REV', 'TIME', 'TYPE', 'USER', 'CORRELATION', 'SUMMARY'];
        const rows = events.map((event) => [
          event.revision.toString(),
          event.createdAt.toISOString(),
          event.type,
          shortId(event.metadata.userId),
          shortId(event.metadata.correlationId),
          summarize(event),
        ]);
        await ctx.io.out(formatTable(header, rows));
      }
      ctx.exit(ExitCode.ok);
    });
}
