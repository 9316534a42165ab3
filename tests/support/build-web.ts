import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const web = join(repo, 'web');
const builtIndex = join(web, 'dist', 'index.html');

/** Newest modification time among the client's sources and build config. */
function newestSource(): number {
  const files = [
    join(web, 'index.html'),
    join(web, 'vite.config.ts'),
    ...readdirSync(join(web, 'src'), { recursive: true, encoding: 'utf8' }).map((f) =>
      join(web, 'src', f),
    ),
    ...readdirSync(join(web, 'public'), { recursive: true, encoding: 'utf8' }).map((f) =>
      join(web, 'public', f),
    ),
  ];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/**
 * Vitest global setup: builds the web client (web/dist, never committed) when it is missing or
 * older than its sources, so the tests that serve `/` see the current client.
 */
export default async function setup(): Promise<void> {
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= newestSource()) return;
  const { build } = await import('vite');
  // Vitest sets NODE_ENV=test, which Vite would honour with a development build: build what
  // `npm start` serves.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(web, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
