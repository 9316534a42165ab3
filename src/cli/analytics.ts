import type { Command } from 'commander';
import { isUuid } from '../domain/ids.js';
import {
  filmAnalytics,
  filmsAddedByMonth,
  type TopMetric,
  topFilms,
  topFilters,
} from '../projections/tracking/analytics-queries.js';
import { refreshRollups } from '../projections/tracking/tracking-rollups.js';
import type { CliContext } from './context.js';
import { CliError } from './io.js';
import { withRuntime } from './runtime.js';
import { formatTable } from './table.js';

interface WindowFlags {
  from?: string;
  to?: string;
  limit: number;
  refresh?: boolean;
}

function instant(name: string) {
  return (value: string) => {
    const time = new Date(value);
    if (Number.isNaN(time.getTime())) throw new CliError(`${name}: an ISO date or date-time`);
    return value;
  };
}

function windowOf(flags: WindowFlags) {
  return {
    from: flags.from === undefined ? undefined : new Date(flags.from),
    to: flags.to === undefined ? undefined : new Date(flags.to),
  };
}

function limitOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CliError('--limit: 1 to 1000');
  return n;
}

function windowed(command: Command): Command {
  return command
    .option('--from <time>', 'from (inclusive), ISO date or date-time', instant('--from'))
    .option('--to <time>', 'to (exclusive), ISO date or date-time', instant('--to'))
    .option('--limit <n>', 'rows', limitOf, 20)
    .option('--refresh', "refresh today's rollups first (the server does it every minute)");
}

/** `cowatch analytics films|top|filters|catalogue`: what the admin analytics routes answer. */
export function registerAnalytics(program: Command, { io }: CliContext): void {
  const analytics = program
    .command('analytics')
    .description('Activity analytics from tracking events, as tables.');
  const print = (header: string[], rows: (string | number | null)[][]) =>
    io.out(
      formatTable(
        header,
        rows.map((row) => row.map((cell) => String(cell ?? '—'))),
      ),
    );

  windowed(analytics.command('films <filmId>').description("One film's figures.")).action(
    async (filmId: string, flags: WindowFlags) => {
      if (!isUuid(filmId)) throw new CliError('filmId: a UUID');
      await withRuntime(io, async ({ db }) => {
        const a = await filmAnalytics(db, filmId, windowOf(flags));
        await print(
          ['figure', 'value'],
          [
            ['page views', a.pageViews],
            ['unique viewers', a.uniqueViewers],
            ['likes', a.likes],
            ['watched to end', a.watchedToEnd],
            ['watched-to-end rate', a.watchedToEndRate],
            ['avg time on page (ms)', a.avgTimeOnPageMs],
            ...a.qualityChanges.map((q) => [`quality ${q.from} → ${q.to}`, q.count]),
          ],
        );
      });
    },
  );

  windowed(
    analytics
      .command('top')
      .description('Films ranked by a metric.')
      .option('--metric <metric>', 'views, likes or watched_to_end', 'views'),
  ).action(async (flags: WindowFlags & { metric: string }) => {
    if (!['views', 'likes', 'watched_to_end'].includes(flags.metric)) {
      throw new CliError('--metric: views, likes or watched_to_end');
    }
    await withRuntime(io, async ({ db, now }) => {
      if (flags.refresh) await refreshRollups(db, now());
      const items = await topFilms(db, flags.metric as TopMetric, windowOf(flags), flags.limit);
      await print(
        ['film', 'title', flags.metric],
        items.map((i) => [i.filmId, i.title, i.count]),
      );
    });
  });

  windowed(analytics.command('filters').description('The most used search filters.')).action(
    async (flags: WindowFlags) => {
      await withRuntime(io, async ({ db, now }) => {
        if (flags.refresh) await refreshRollups(db, now());
        const items = await topFilters(db, windowOf(flags), flags.limit);
        await print(
          ['filter', 'value', 'uses'],
          items.map((i) => [i.filter, i.value, i.count]),
        );
      });
    },
  );

  analytics
    .command('catalogue')
    .description('Films added to the catalogue per month (UTC).')
    .action(async () => {
      await withRuntime(io, async ({ db }) => {
        const items = await filmsAddedByMonth(db);
        await print(
          ['month', 'films added'],
          items.map((i) => [i.month, i.count]),
        );
      });
    });
}
