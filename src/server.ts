import { buildApp } from './api/app.js';
import { startupSummary } from './api/observability/startup-summary.js';
import { loadConfig } from './config.js';

/** Starts cowatch: API and projector in one process unless ROLE says otherwise. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests and the current projection batch');
    const timer = setTimeout(() => process.exit(1), 15_000).unref();
    await app.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const { fields, message } = startupSummary(config, address);
  app.log.info(fields, message);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
