import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { TmdbClient } from '../films/tmdb/tmdb-client.js';
import { importFromTmdb } from '../films/tmdb/tmdb-import.js';
import type { CliContext } from './context.js';
import { CliError, ExitCode } from './io.js';
import { Progress } from './progress.js';
import { withRuntime } from './runtime.js';

const envSchema = z.object({
  TMDB_API_KEY: z
    .string({ error: 'is needed to import from TMDB' })
    .min(1, 'is needed to import from TMDB'),
  TMDB_API_BASE: z.url().default('https://api.themoviedb.org/3'),
  DATA_DIR: z.string().default('./data'),
});

const positive = (name: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`${name}: 1 to ${max}`);
  return n;
};

interface ImportFlags {
  tmdb?: boolean;
  ids: number[];
  search: string[];
  popular?: boolean;
  pages: number;
  concurrency: number;
  cache: boolean;
  cacheDir?: string;
}

/** `cowatch films import --tmdb …`: fills the catalogue from TMDB. */
export function registerFilms(program: Command, { io, exit }: CliContext): void {
  const films = program.command('films').description('The film catalogue.');
  films
    .command('import')
    .description(
      'Imports films from TMDB (TMDB_API_KEY; TMDB_API_BASE for another server): idempotent by ' +
        'TMDB id, re-imports update, 429 Retry-After honoured, responses cached in ' +
        'DATA_DIR/tmdb-cache for a day. Exit 1 when some films failed (the others are imported).',
    )
    .requiredOption('--tmdb', 'import from TMDB (the one source so far)')
    .option('--ids <ids>', 'comma-separated TMDB ids', (v: string) =>
      v.split(',').map(positive('--ids', 1e9)),
    )
    .option(
      '--search <term>',
      'a search term (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--popular', 'the popular list')
    .option('--pages <n>', 'result pages per search or list', positive('--pages', 500), 1)
    .option('--concurrency <n>', 'films fetched at once', positive('--concurrency', 20), 4)
    .option('--no-cache', 'ignore and do not write cached responses')
    .option('--cache-dir <dir>', 'where responses are cached')
    .action(async (flags: ImportFlags) => {
      const parsed = envSchema.safeParse(io.env);
      if (!parsed.success)
        throw new CliError(
          parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; '),
        );
      const env = parsed.data;
      const selection = {
        ids: flags.ids ?? [],
        terms: flags.search ?? [],
        popular: flags.popular === true,
        pages: flags.pages,
      };
      if (!selection.ids.length && !selection.terms.length && !selection.popular) {
        throw new CliError('say what to import: --ids, --search or --popular');
      }
      const client = new TmdbClient({
        apiKey: env.TMDB_API_KEY,
        baseUrl: env.TMDB_API_BASE,
        cacheDir: flags.cache ? (flags.cacheDir ?? join(env.DATA_DIR, 'tmdb-cache')) : undefined,
      });
      const report = await withRuntime(io, async (runtime) => {
        let progress: Progress | undefined;
        return importFromTmdb(runtime.db, client, selection, {
          concurrency: flags.concurrency,
          now: runtime.now,
          progress: (done, total) => {
            progress ??= new Progress((t) => io.err(t), io.errIsTTY === true, total, 'tmdb');
            if (done === total) progress.finish(done);
            else progress.update(done);
          },
        });
      });
      for (const failure of report.failures) {
        io.err(`tmdb ${failure.tmdbId}: ${failure.reason}\n`);
      }
      await io.out(
        `${JSON.stringify({ ...report, failed: report.failures.length, rateLimitWaits: client.rateLimitWaits })}\n`,
      );
      exit(report.failures.length > 0 ? ExitCode.failed : ExitCode.ok);
    });
}
