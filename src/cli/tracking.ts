import type { Command } from 'commander';
import {
  detachedPartitions,
  dropDetachedPartitions,
} from '../projections/tracking/tracking-partitions.js';
import type { CliContext } from './context.js';
import { CliError } from './io.js';
import { withRuntime } from './runtime.js';
import { formatTable } from './table.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `cowatch tracking detached|drop-detached`: the day partitions retention detached
 * (TRACKING_RETENTION_DAYS), listed with their size, and dropped once archived.
 */
export function registerTracking(program: Command, { io }: CliContext): void {
  const tracking = program.command('tracking').description('Tracking events storage.');
  tracking
    .command('detached')
    .description('Lists the day partitions detached by retention (plain tables to archive).')
    .action(async () => {
      await withRuntime(io, async ({ db }) => {
        const tables = await detachedPartitions(db);
        await io.out(
          formatTable(
            ['day', 'table', 'MB'],
            tables.map((t) => [t.day, t.table, (t.bytes / 1_048_576).toFixed(1)]),
          ),
        );
      });
    });
  tracking
    .command('drop-detached')
    .description('Drops the detached day partitions of days before --before (archive first).')
    .requiredOption('--before <day>', 'YYYY-MM-DD (exclusive)', (value: string) => {
      if (!DAY.test(value) || Number.isNaN(Date.parse(value))) {
        throw new CliError('--before: a day, YYYY-MM-DD');
      }
      return value;
    })
    .action(async (flags: { before: string }) => {
      await withRuntime(io, async ({ db }) => {
        const dropped = await dropDetachedPartitions(db, flags.before);
        io.err(
          `dropped ${dropped.length} detached partition(s)${dropped.length ? `: ${dropped.join(', ')}` : ''}\n`,
        );
      });
    });
}
