import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toJson } from '../../src/cli/event-json.js';
import { fold } from '../../src/domain/decider.js';
import { placeDecider } from '../../src/domain/place/index.js';
import { screeningDecider } from '../../src/domain/screening/index.js';
import type { RecordedEvent } from '../../src/eventstore/event-store.js';
import { backends, type CliEnv, withRuntime } from './cli-env.js';
import { Clock, type Filled, fillStore } from './fixture.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe.each(backends)('history and state on $name', (backend) => {
  let env: CliEnv;
  let filled: Filled;
  let events: readonly RecordedEvent[];
  const stream = () => `screening-${filled.assigned}`;

  beforeAll(async () => {
    env = await backend.create();
    const clock = new Clock();
    await withRuntime(
      env,
      async ({ commands, store }) => {
        filled = await fillStore(commands, clock);
        events = (await store.read(`screening-${filled.assigned}`)).events;
      },
      clock.now,
    );
  });
  afterAll(() => env.dispose());

  it("history --json lists exactly the stream's events", async () => {
    const { code, out, err } = await env.cli(['history', stream(), '--json']);
    expect(code, err).toBe(0);
    const listed: { revision: string; type: string; id: string }[] = JSON.parse(out);
    expect(listed.map((e) => [e.revision, e.type, e.id])).toEqual(
      events.map((e) => [e.revision.toString(), e.type, e.id]),
    );
  });

  it('history prints a table with one summarised line per event', async () => {
    const { code, out, err } = await env.cli(['history', stream()]);
    expect(code, err).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REV\s+TIME\s+TYPE\s+USER\s+CORRELATION\s+SUMMARY$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 3))).toEqual(
      events.map((e) => [e.revision.toString(), e.createdAt.toISOString(), e.type]),
    );
    expect(out).toMatch(/held A1, A2 for booking [0-9a-f]{8}…/);
    expect(out).toMatch(/confirmed booking [0-9a-f]{8}… \(payment [0-9a-f]{8}…\)/);
    // Who came in, when: the booking's owner and the time the host admitted them.
    const checkIn = events.find((e) => e.type === 'TicketCheckedIn');
    const { userId, bookingId, checkedInAt } = (checkIn?.data ?? {}) as Record<string, string>;
    expect(checkedInAt).toBeDefined();
    expect(out).toContain(
      `checked in user ${userId?.slice(0, 8)}… (booking ${bookingId?.slice(0, 8)}…) at ${checkedInAt}`,
    );
  });

  it('an unknown stream is a clear error with exit code 2 and no stack trace', async () => {
    const { code, out, err } = await env.cli(['history', 'screening-nope']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe('cowatch: stream screening-nope not found\n');
  });

  it('state --revision folds the events up to that revision', async () => {
    for (const revision of [0, 3, events.length - 1]) {
      const { code, out, err } = await env.cli(['state', stream(), '--revision', String(revision)]);
      expect(code, err).toBe(0);
      const upTo = events.filter((e) => e.revision <= BigInt(revision));
      const expected = fold(screeningDecider, upTo);
      expect(JSON.parse(out)).toEqual({
        streamId: stream(),
        revision: String(revision),
        createdAt: upTo.at(-1)?.createdAt.toISOString(),
        state: JSON.parse(toJson(expected)),
      });
    }
  });

  it('state --at folds the events created up to that time', async () => {
    // An instant after which the stream still changed, so the answer is a strict prefix.
    const boundary = events.findIndex((e, i) => i > 0 && e.createdAt > events[i - 1]!.createdAt);
    const at = events[Math.max(0, boundary - 1)]!.createdAt;
    const upTo = events.filter((e) => e.createdAt <= at);
    expect(upTo.length).toBeLessThan(events.length);
    const { code, out, err } = await env.cli(['state', stream(), '--at', at.toISOString()]);
    expect(code, err).toBe(0);
    const result = JSON.parse(out);
    expect(result.revision).toBe(upTo.at(-1)!.revision.toString());
    expect(result.state).toEqual(JSON.parse(toJson(fold(screeningDecider, upTo))));
  });

  it('state prints a place with its schedule as a plain object', async () => {
    const { code, out, err } = await env.cli(['state', `place-${filled.placeId}`]);
    expect(code, err).toBe(0);
    const state = JSON.parse(out).state;
    expect(state.status).toBe('active');
    expect(Object.keys(state.screenings).sort()).toEqual([filled.assigned, filled.small].sort());
    const placeEvents = await withRuntime(env, async ({ store }) => {
      return (await store.read(`place-${filled.placeId}`)).events;
    });
    expect(state).toEqual(JSON.parse(toJson(fold(placeDecider, placeEvents))));
  });

  it('refuses bad arguments with exit code 2', async () => {
    expect((await env.cli(['state', stream(), '--revision', 'x'])).code).toBe(2);
    expect((await env.cli(['state', stream(), '--at', 'yesterday'])).code).toBe(2);
    const both = await env.cli(['state', stream(), '--revision', '1', '--at', '2030-01-01']);
    expect(both).toMatchObject({
      code: 2,
      err: 'cowatch: use either --at or --revision, not both\n',
    });
    const beyond = await env.cli(['state', stream(), '--revision', '999']);
    expect(beyond.code).toBe(2);
    const unknown = await env.cli(['state', `cinema-${filled.assigned}`]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no aggregate for stream cinema-/);
    expect((await env.cli(['nonsense'])).code).toBe(2);
  });
});
