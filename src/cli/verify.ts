import type { Command } from 'commander';
import { readLogRange } from '../projections/log-range.js';
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
        const audit = new LogAudit();
        const head = await store.headPosition();
        for await (const event of readLogRange(store, { to: head })) audit.apply(event);
        const violations = audit.finish();
        const progress = new Progress(io.err, io.errIsTTY === true, undefined, 'verify replay');
        const diff = await diffAgainstReplay(store, db, {
          catchUpUnderLock: config.DATABASE_URL !== undefined,
          onProgress: (n) => progress.update(n),
        });
        progress.finish(diff.applied);
        return { audit, violations, diff, head };
      });
      const { audit, violations, diff, head } = report;
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
      const failed = violations.length > 0 || diff.differences.length > 0;
      await io.out(
        `${failed ? 'verify FAILED' : 'verify ok'}: ${audit.events} events in ${audit.streams} streams up to ${head ?? '(empty log)'}; ` +
          `read models compared at ${diff.position ?? '(nothing projected)'}\n`,
      );
      ctx.exit(failed ? ExitCode.failed : ExitCode.ok);
    });
}
