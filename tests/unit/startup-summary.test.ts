import { describe, expect, it } from 'vitest';
import { startupSummary, withoutCredentials } from '../../src/api/observability/startup-summary.js';
import { loadConfig } from '../../src/config.js';

describe('the start-up line', () => {
  it('says where it listens, which stores it uses, and where the docs are', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://cowatch:s3cret@db:5432/cowatch',
      DATABASE_SCHEMA: 'app',
      EVENTSTORE_URL: 'esdb://admin:changeit@esdb:2113?tls=false',
      REDIS_URL: 'redis://:hunter2@redis:6379',
    });
    const { fields, message } = startupSummary(config, 'http://0.0.0.0:3000');
    expect(fields).toMatchObject({
      url: 'http://localhost:3000',
      docs: 'http://localhost:3000/docs',
      stores: {
        events: 'EventStoreDB esdb://admin:***@esdb:2113?tls=false',
        readModels: 'PostgreSQL postgresql://cowatch:***@db:5432/cowatch (schema app)',
        notificationFanOut: 'Redis redis://:***@redis:6379',
      },
    });
    expect(message).toContain('listening at http://localhost:3000');
    expect(message).toContain('API docs: http://localhost:3000/docs');
    expect(message).not.toMatch(/s3cret|changeit|hunter2/);
  });

  it('names the embedded defaults', () => {
    const { fields } = startupSummary(
      loadConfig({ DATA_DIR: '/var/cowatch' }),
      'http://127.0.0.1:8080',
    );
    expect(fields.stores).toEqual({
      events: 'embedded PGlite in /var/cowatch/pglite',
      readModels: 'embedded PGlite in /var/cowatch/pglite',
      notificationFanOut: 'in-process (one node)',
    });
  });

  it('has no docs URL on a projecting-only node, which serves no API', () => {
    const { fields, message } = startupSummary(loadConfig({ ROLE: 'project' }), 'http://[::]:3000');
    expect(fields.docs).toBeUndefined();
    expect(message).toContain('listening at http://localhost:3000');
    expect(message).not.toContain('/docs');
  });

  it('masks secret-looking query parameters', () => {
    expect(withoutCredentials('postgresql://db/x?sslpassword=abc&sslmode=require')).toBe(
      'postgresql://db/x?sslpassword=***&sslmode=require',
    );
  });
});
