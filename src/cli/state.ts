import { type Command, InvalidArgumentError } from 'commander';
import { type Decider, type DomainEvent, fold } from '../domain/decider.js';
import { placeDecider } from '../domain/place/index.js';
import { roomDecider } from '../domain/room/index.js';
import { screeningDecider } from '../domain/screening/index.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import type { CliContext } from './context.js';
import { toJson } from './event-json.js';
import { readExistingStream } from './history.js';
import { CliError, ExitCode } from './io.js';
import { withRuntime } from './runtime.js';

interface StateOptions {
  readonly at?: Date;
  readonly revision?: bigint;
}

type AnyDecider = Decider<unknown, DomainEvent, unknown>;

/** The decider of a stream, chosen by its category (`place-…`, `screening-…`). */
export function deciderOf(streamId: string): AnyDecider {
  const category = streamId.slice(0, Math.max(0, streamId.indexOf('-')));
  const deciders: readonly AnyDecider[] = [placeDecider, screeningDecider, roomDecider];
  const decider = deciders.find((d) => d.category === category);
  if (!decider) {
    const known = deciders.map((d) => `${d.category}-…`).join(', ');
    throw new CliError(`no aggregate for stream ${streamId}: expected ${known}`);
  }
  return decider;
}

/** The events up to a point in time (by createdAt) or up to a revision, inclusive. */
export function eventsUpTo(events: readonly RecordedEvent[], options: StateOptions) {
  const { at, revision } = options;
  return events.filter(
    (e) =>
      (at === undefined || e.createdAt <= at) && (revision === undefined || e.revision <= revision),
  );
}

const parseTime = (value: string): Date => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an ISO time');
  return date;
};

const parseRevision = (value: string): bigint => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a revision (0, 1, 2, …)');
  return BigInt(value);
};

/** `state <stream>`: the aggregate folded over its events, now or at a past point. */
export function registerState(program: Command, ctx: CliContext): void {
  program
    .command('state')
    .description('fold a place or screening stream and print its state as JSON')
    .argument('<stream>', 'stream id, e.g. screening-<uuid> or place-<uuid>')
    .option('--at <time>', 'as of this ISO time (events created at or before it)', parseTime)
    .option('--revision <n>', 'as of this revision (0-based, inclusive)', parseRevision)
    .action(async (stream: string, options: StateOptions) => {
      if (options.at !== undefined && options.revision !== undefined) {
        throw new CliError('use either --at or --revision, not both');
      }
      const decider = deciderOf(stream);
      const events = await withRuntime(ctx.io, ({ store }) => readExistingStream(store, stream));
      const last = events.at(-1);
      if (options.revision !== undefined && last && options.revision > last.revision) {
        throw new CliError(`stream ${stream} has revisions 0 to ${last.revision}`);
      }
      const upTo = eventsUpTo(events, options);
      const state = fold(decider, upTo);
      const at = upTo.at(-1);
      const result = {
        streamId: stream,
        revision: at?.revision ?? null,
        createdAt: at?.createdAt.toISOString() ?? null,
        state,
      };
      await ctx.io.out(`${toJson(result, 2)}\n`);
      ctx.exit(ExitCode.ok);
    });
}
