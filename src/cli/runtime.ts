import { type Config, loadConfig } from '../config.js';
import { DataDirError } from '../projections/db/data-dir-lock.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { CliError, type CliIo } from './io.js';

/**
 * Runs `fn` with the stores the server's configuration names (DATABASE_URL, DATABASE_SCHEMA,
 * DATA_DIR, EVENTSTORE_URL), then closes them whatever happens.
 */
export async function withRuntime<T>(io: CliIo, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const runtime = await openRuntime(config).catch((error: unknown) => {
    throw error instanceof DataDirError ? new CliError(error.message) : error;
  });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}
