import type { Command } from 'commander';
import { readLogRange } from '../projections/engine/log-range.js';
import { readProjectionFailures } from '../projections/engine/projection-failures.js';
import type { CliContext } from './context.js';
import { ExitCode } from './io.js';
import { LogAudit } from './log-audit.js';
import { Progress } from './progress.js';
import { diffAgainstReplay } from './replay-diff.js';
import { withRuntime } from './runtime.js';
import { formatTable } from './table.js';

/** `verify`: checks the domain invariants over the whole log and the read models against it. */
export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description(
      'check invariants over the whole log (capacity, seats, booking lifecycle, schedules) ' +
        'and compare every read-model table with a fresh replay; exit 1 on any finding',
    )
    .action(async () => {
      const { io } = ctx;
      const report = await withRuntime(io, async ({ store, db, config }) => {
        // First: a stuck projection makes the replay below stop on the same event.
        const stuck = await readProjectionFailures(db);
        const audit = new LogAudit();
        const head = await store.headPosition();
        for await (const event of readLogRange(store, { to: head })) audit.apply(event);
        const violations = audit.finish();
        const progress = new Progress(io.err, io.errIsTTY === true, undefined, 'verify replay');
        const diff = await diffAgainstReplay(store, db, {
          catchUpUnderLock: config.DATABASE_URL !== undefined,
          onProgress: (n) => progress.update(n),
        }).catch((error: unknown) => {
          if (stuck.length === 0) throw error;
          return { applied: 0, differences: [], position: undefined, replayError: error };
        });
        progress.finish(diff.applied);
        return { audit, violations, diff, head, stuck };
      });
      const { audit, violations, diff, head, stuck } = report;
      if (stuck.length > 0) {
        await io.out(`stuck projections (${stuck.length}):\n`);
        const rows = stuck.map((f) => [
          f.projector,
          f.projection,
          f.position,
          `${f.eventType} ${f.eventId}`,
          f.error,
        ]);
        await io.out(formatTable(['PROJECTOR', 'PROJECTION', 'POSITION', 'EVENT', 'ERROR'], rows));
        await io.out(
          'fix the cause, then run `cowatch replay` (or rebuild) so the projection catches up\n',
        );
      }
      if (violations.length > 0) {
        await io.out(`invariant violations (${violations.length}):\n`);
        const rows = violations.map((v) => [
          v.streamId,
          v.revision?.toString() ?? '-',
          v.rule,
          v.message,
        ]);
        await io.out(formatTable(['STREAM', 'REV', 'RULE', 'MESSAGE'], rows));
      }
      if (diff.differences.length > 0) {
        await io.out(`read-model differences (${diff.differences.length}):\n`);
        const rows = diff.differences.map((d) => [d.table, d.key, d.column, d.live, d.expected]);
        await io.out(formatTable(['TABLE', 'KEY', 'COLUMN', 'LIVE', 'EXPECTED'], rows));
      }
      const failed = stuck.length > 0 || violations.length > 0 || diff.differences.length > 0;
      await io.out(
        `${failed ? 'verify FAILED' : 'verify ok'}: ${audit.events} events in ${audit.streams} streams up to ${head ?? '(empty log)'}; ` +
          `read models compared at ${diff.position ?? '(nothing projected)'}\n`,
      );
      ctx.exit(failed ? ExitCode.failed : ExitCode.ok);
    });
}
