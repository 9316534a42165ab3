import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerAnalytics } from './analytics.js';
import type { CliContext } from './context.js';
import { registerExport } from './export.js';
import { registerFilms } from './films.js';
import { registerHistory } from './history.js';
import { registerImport } from './import.js';
import { CliError, type CliIo, ExitCode, processIo } from './io.js';
import { registerReplay } from './replay.js';
import { registerState } from './state.js';
import { registerTracking } from './tracking.js';
import { registerUsers } from './users.js';
import { registerVerify } from './verify.js';

function buildProgram(ctx: CliContext): Command {
  const { io } = ctx;
  const program = new Command('cowatch')
    .description(
      'Audit and replay tool of cowatch. Uses the server configuration: DATABASE_URL ' +
        '(unset: PGlite in DATA_DIR), DATABASE_SCHEMA, EVENTSTORE_URL.\n' +
        'Exit codes: 0 ok, 1 verify found problems, 2 usage or runtime error.',
    )
    .version('0.1.0')
    // Settings set before the subcommands are declared are inherited by them.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.out(text),
      writeErr: (text) => io.err(text),
    })
    .showHelpAfterError('(run with --help for usage)');
  registerHistory(program, ctx);
  registerState(program, ctx);
  registerReplay(program, ctx);
  registerVerify(program, ctx);
  registerExport(program, ctx);
  registerImport(program, ctx);
  registerFilms(program, ctx);
  registerUsers(program, ctx);
  registerAnalytics(program, ctx);
  registerTracking(program, ctx);
  return program;
}

function failure(error: unknown, io: CliIo): number {
  // Commander has already printed usage errors and help.
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.error;
  const message = error instanceof Error ? error.message : String(error);
  io.err(`cowatch: ${message}\n`);
  if (!(error instanceof CliError) && io.env.COWATCH_DEBUG && error instanceof Error) {
    io.err(`${error.stack ?? ''}\n`);
  }
  return ExitCode.error;
}

/** Runs one command line (without `node` and the script) and resolves to its exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram({
    io,
    exit: (next) => {
      code = next;
    },
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    return failure(error, io);
  }
}

/** The process entry point: runs `process.argv` and sets the exit code. */
export async function runMain(): Promise<void> {
  // `cowatch export | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.ok);
  });
  process.exitCode = await run(process.argv.slice(2), processIo());
}

const script = process.argv[1];
if (script && import.meta.url === pathToFileURL(realpathSync(script)).href) await runMain();
