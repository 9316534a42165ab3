import { join } from 'node:path';
import type { Config } from '../../config.js';

/** A store URL fit for a log line: the password and secret-looking query values masked. */
export function withoutCredentials(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(an unparsable URL)';
  }
  if (parsed.password) parsed.password = '***';
  for (const key of [...parsed.searchParams.keys()]) {
    if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***');
  }
  return parsed.toString();
}

/** Which stores this configuration uses, as an operator reads them at start-up. */
export function describeStores(config: Config): Record<string, string> {
  const database = config.DATABASE_URL
    ? `PostgreSQL ${withoutCredentials(config.DATABASE_URL)}${
        config.DATABASE_SCHEMA ? ` (schema ${config.DATABASE_SCHEMA})` : ''
      }`
    : config.DATA_DIR.startsWith('memory://')
      ? 'embedded PGlite, in memory'
      : `embedded PGlite in ${join(config.DATA_DIR, 'pglite')}`;
  return {
    events: config.EVENTSTORE_URL
      ? `EventStoreDB ${withoutCredentials(config.EVENTSTORE_URL)}`
      : database,
    readModels: database,
    notificationFanOut: config.REDIS_URL
      ? `Redis ${withoutCredentials(config.REDIS_URL)}`
      : 'in-process (one node)',
  };
}

/** The start-up line: where the service listens, on which stores, and where its docs are. */
export function startupSummary(
  config: Config,
  address: string,
): { fields: Record<string, unknown>; message: string } {
  // A wildcard bind answers on every interface; localhost is the address that works from here.
  const url = address.replace(/\/\/(0\.0\.0\.0|\[::\])(?=:)/, '//localhost');
  const stores = describeStores(config);
  const docs = config.ROLE === 'project' ? undefined : `${url}/docs`;
  const lines = [
    `cowatch (${config.ROLE}) listening at ${url}`,
    `events: ${stores.events}`,
    `read models: ${stores.readModels}`,
    `notification fan-out: ${stores.notificationFanOut}`,
    ...(docs ? [`API docs: ${docs} (OpenAPI: ${url}/openapi.json)`] : []),
  ];
  return { fields: { url, role: config.ROLE, stores, docs }, message: lines.join('; ') };
}
