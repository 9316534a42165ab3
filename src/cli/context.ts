import type { CliIo } from './io.js';

/** What every command gets: the streams, and how to set the exit code. */
export interface CliContext {
  readonly io: CliIo;
  exit(code: number): void;
}
