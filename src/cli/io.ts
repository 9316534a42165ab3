import { once } from 'node:events';

/** Where a command reads and writes: the process in production, buffers in tests. */
export interface CliIo {
  /** Standard output: the data (tables, JSON, NDJSON). Resolves once it may be written again. */
  out(text: string): void | Promise<void>;
  /** Standard error: progress, summaries and error messages. */
  err(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  /** Standard input, for `import -`. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Whether stderr is a terminal, so progress may redraw one line in place. */
  readonly errIsTTY?: boolean;
}

/** An expected failure (bad input, unknown stream, refused import): a message, no stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** Exit codes of every command. */
export const ExitCode = { ok: 0, failed: 1, error: 2 } as const;

/** The process's own streams, honouring stdout back-pressure for large exports. */
export function processIo(): CliIo {
  return {
    async out(text) {
      if (!process.stdout.write(text)) await once(process.stdout, 'drain');
    },
    err: (text) => {
      process.stderr.write(text);
    },
    env: process.env,
    stdin: process.stdin,
    errIsTTY: process.stderr.isTTY === true,
  };
}
