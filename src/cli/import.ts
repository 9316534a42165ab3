import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { WrongExpectedRevision } from '../eventstore/errors.js';
import type { EventStore, NewEvent } from '../eventstore/event-store.js';
import type { CliContext } from './context.js';
import { parseEventLine } from './event-line.js';
import { CliError, type CliIo, ExitCode } from './io.js';
import { withRuntime } from './runtime.js';

/** Most events appended at once: a long stream is written in several appends. */
const MAX_BATCH = 500;

interface Batch {
  readonly streamId: string;
  readonly first: bigint;
  readonly events: NewEvent[];
}

async function openInput(io: CliIo, file: string): Promise<NodeJS.ReadableStream> {
  if (file === '-') {
    if (!io.stdin) throw new CliError('no standard input to read from');
    return io.stdin;
  }
  try {
    await access(file);
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  return createReadStream(file);
}

/** Appends a batch with the exact expected revision, as the original stream had it. */
async function appendBatch(store: EventStore, batch: Batch): Promise<void> {
  const expectedRevision = batch.first === 0n ? 'no_stream' : batch.first - 1n;
  try {
    await store.append(batch.streamId, batch.events, { expectedRevision });
  } catch (error) {
    if (!(error instanceof WrongExpectedRevision)) throw error;
    const actual = error.actual === null ? 'no stream' : String(error.actual);
    throw new CliError(
      `stream ${batch.streamId}: the import expects revision ${String(expectedRevision)}, the store has ${actual}`,
    );
  }
}

/** Reads NDJSON events and appends them per stream, in order, keeping ids, metadata and times. */
async function importLines(store: EventStore, input: NodeJS.ReadableStream) {
  const last = new Map<string, bigint>();
  let batch: Batch | undefined;
  let count = 0;
  let lineNo = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo += 1;
    if (text.trim() === '') continue;
    const line = parseEventLine(text, lineNo);
    const previous = last.get(line.streamId);
    if (previous !== undefined && line.revision !== previous + 1n) {
      throw new CliError(
        `line ${lineNo}: stream ${line.streamId} goes from revision ${previous} to ${line.revision}`,
      );
    }
    last.set(line.streamId, line.revision);
    const { id, type, data, metadata, createdAt } = line;
    const event = { id, type, data, metadata, ...(createdAt ? { createdAt } : {}) };
    if (batch?.streamId === line.streamId && batch.events.length < MAX_BATCH) {
      batch.events.push(event);
    } else {
      if (batch) await appendBatch(store, batch);
      batch = {
        streamId: line.streamId,
        first: line.revision,
        events: [event],
      };
    }
    count += 1;
  }
  if (batch) await appendBatch(store, batch);
  return { events: count, streams: last.size };
}

/** `import [file|-]`: loads an export into an empty store. */
export function registerImport(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description('append an NDJSON export to an empty store, stream by stream, keeping event ids')
    .argument('[file]', 'the NDJSON file, or - for standard input', '-')
    .option('--force', 'append even though the store already has events')
    .action(async (file: string, options: { force?: boolean }) => {
      const { io } = ctx;
      const result = await withRuntime(io, async ({ store }) => {
        if (!options.force && (await store.headPosition()) !== undefined) {
          throw new CliError(
            'the store already has events; import into an empty store, or use --force',
          );
        }
        return importLines(store, await openInput(io, file));
      });
      io.err(`imported ${result.events} events in ${result.streams} streams\n`);
      ctx.exit(ExitCode.ok);
    });
}
