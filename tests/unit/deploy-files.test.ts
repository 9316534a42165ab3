import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The real files at the repository root: these tests fail when they drift. */
function readYaml(relative: string): Record<string, unknown> {
  const path = fileURLToPath(new URL(`../../${relative}`, import.meta.url));
  // Compose resolves `<<: *anchor` merge keys; so must the parse.
  const parsed: unknown = parse(readFileSync(path, 'utf8'), { merge: true });
  expect(parsed, `${relative} is a YAML mapping`).toBeTypeOf('object');
  return parsed as Record<string, unknown>;
}

function mapping(value: unknown, what: string): Record<string, unknown> {
  expect(value, `${what} is a mapping`).toBeTypeOf('object');
  expect(value, `${what} is a mapping`).not.toBeNull();
  expect(Array.isArray(value), `${what} is a mapping`).toBe(false);
  return value as Record<string, unknown>;
}

interface Step {
  readonly run?: string;
  readonly uses?: string;
  readonly env?: Record<string, unknown>;
}

describe('CI workflow (.github/workflows/ci.yml)', () => {
  const workflow = readYaml('.github/workflows/ci.yml');
  // YAML 1.1 readers turn a bare `on` key into `true`; the `yaml` package (1.2) keeps "on".
  const triggers = mapping(workflow.on, 'on');
  const jobs = mapping(workflow.jobs, 'jobs');
  const [jobName] = Object.keys(jobs);
  const job = mapping(jobs[jobName ?? ''], 'the job');
  const steps = (job.steps ?? []) as Step[];
  const runs = steps.map((step) => step.run ?? '');

  it('runs on push and pull requests, on ubuntu-latest', () => {
    expect(Object.keys(triggers)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(job['runs-on']).toBe('ubuntu-latest');
  });

  it('starts PostgreSQL, Redis and EventStoreDB as services', () => {
    const services = mapping(job.services, 'services');
    expect(Object.keys(services).sort()).toEqual(['eventstore', 'postgres', 'redis']);
    expect(mapping(services.postgres, 'postgres').image).toMatch(/^postgres:16/);
    expect(mapping(services.redis, 'redis').image).toMatch(/^redis:7/);
    const eventstore = mapping(services.eventstore, 'eventstore');
    expect(eventstore.image).toMatch(/^eventstore\/eventstore:/);
    const env = mapping(eventstore.env, 'eventstore env');
    expect(String(env.EVENTSTORE_INSECURE)).toBe('true');
    expect(String(env.EVENTSTORE_MEM_DB)).toBe('true');
    expect(eventstore.ports).toContain('2113:2113');
  });

  it('checks out, sets up Node 20 and installs', () => {
    const uses = steps.map((step) => step.uses ?? '');
    expect(uses).toContain('actions/checkout@v4');
    const setupNode = steps.find((step) => step.uses === 'actions/setup-node@v4');
    expect(setupNode).toBeDefined();
    expect(String(mapping((setupNode as { with?: unknown }).with, 'with')['node-version'])).toBe(
      '20',
    );
    // `npm ci`: exactly the lockfile, and it fails when package.json and the lockfile disagree.
    expect(runs.some((run) => /^npm ci\b/.test(run))).toBe(true);
  });

  it('lints, type-checks and tests, in that order', () => {
    const at = (command: string) => runs.findIndex((run) => run.trim() === command);
    const lint = at('npm run lint');
    const typecheck = at('npm run typecheck');
    const test = at('npm test');
    expect([lint, typecheck, test].every((index) => index >= 0)).toBe(true);
    expect(lint).toBeLessThan(typecheck);
    expect(typecheck).toBeLessThan(test);
  });

  it('tests with EVENTSTORE_URL, DATABASE_URL and REDIS_URL pointing at the services', () => {
    const testStep = steps.find((step) => step.run?.trim() === 'npm test');
    const env = { ...mapping(job.env ?? {}, 'job env'), ...(testStep?.env ?? {}) };
    expect(env.EVENTSTORE_URL).toMatch(/^esdb:\/\/localhost:2113\?tls=false$/);
    expect(env.DATABASE_URL).toMatch(/^postgresql:\/\/.*@localhost:5432\/test$/);
    expect(env.REDIS_URL).toBe('redis://localhost:6379');
  });
});

describe('docker-compose.yml', () => {
  const compose = readYaml('docker-compose.yml');
  const services = mapping(compose.services, 'services');
  const service = (name: string) => mapping(services[name], `service ${name}`);
  const stores = ['eventstore', 'postgres', 'redis'];
  const apps = ['api1', 'api2', 'projector'];

  it('declares the stores, the app processes and the proxy', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining([...stores, ...apps, 'proxy']));
  });

  it.each(stores)('%s has a healthcheck and a named volume', (name) => {
    const store = service(name);
    expect(mapping(store.healthcheck, `${name} healthcheck`).test).toBeDefined();
    const volumes = (store.volumes ?? []) as string[];
    const named = Object.keys(mapping(compose.volumes, 'volumes'));
    expect(volumes.some((volume) => named.includes(volume.split(':')[0] ?? ''))).toBe(true);
  });

  it.each(apps)('%s builds the image, has a healthcheck and waits for healthy stores', (name) => {
    const app = service(name);
    expect(app.build).toBe('.');
    expect(mapping(app.healthcheck, `${name} healthcheck`).test).toBeDefined();
    const dependsOn = mapping(app.depends_on, `${name} depends_on`);
    for (const store of stores) {
      expect(mapping(dependsOn[store], `${name} → ${store}`).condition).toBe('service_healthy');
    }
  });

  it.each(apps)('%s runs against EventStoreDB, PostgreSQL and Redis', (name) => {
    const env = mapping(service(name).environment, `${name} environment`);
    expect(env.EVENTSTORE_URL).toBe('esdb://eventstore:2113?tls=false');
    expect(env.DATABASE_URL).toMatch(/^postgresql:\/\/.*@postgres:5432\/cowatch$/);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:-.{32,}\}$/);
  });

  it('splits the roles: two API nodes serve, one process projects', () => {
    const role = (name: string) => mapping(service(name).environment, name).ROLE;
    expect([role('api1'), role('api2'), role('projector')]).toEqual(['serve', 'serve', 'project']);
  });

  it('fronts the API nodes with nginx on port 8080 and its mounted config', () => {
    const proxy = service('proxy');
    expect(proxy.image).toMatch(/^nginx:/);
    expect(proxy.ports).toContain('8080:80');
    expect((proxy.volumes ?? []) as string[]).toContainEqual(
      expect.stringMatching(/^\.\/deploy\/nginx\.conf:/),
    );
    const dependsOn = mapping(proxy.depends_on, 'proxy depends_on');
    expect(Object.keys(dependsOn)).toEqual(expect.arrayContaining(['api1', 'api2']));
  });

  it('keeps Elasticsearch, Kibana and Filebeat behind the elk profile, and only them', () => {
    const elk = ['elasticsearch', 'kibana', 'filebeat'];
    for (const name of elk) expect(service(name).profiles).toEqual(['elk']);
    for (const name of [...stores, ...apps, 'proxy']) {
      expect(service(name).profiles, `${name} runs without a profile`).toBeUndefined();
    }
    expect((service('filebeat').volumes ?? []) as string[]).toContainEqual(
      expect.stringMatching(/^\.\/deploy\/filebeat\.yml:/),
    );
  });
});

describe('deploy/filebeat.yml', () => {
  it('parses and reads the containers’ JSON log lines', () => {
    const filebeat = readYaml('deploy/filebeat.yml');
    const text = JSON.stringify(filebeat);
    expect(text).toContain('/var/lib/docker/containers/');
    expect(text).toContain('decode_json_fields');
    expect(mapping(filebeat['output.elasticsearch'], 'output.elasticsearch').hosts).toBeDefined();
  });
});
