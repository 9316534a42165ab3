import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../src/api/realtime/in-process-bus.js';
import type { RealtimeBus } from '../../src/api/realtime/realtime-bus.js';
import { RedisBus, topicChannel } from '../../src/api/realtime/redis-bus.js';
import { until } from '../support/notification-socket.js';
import { RedisProxy } from '../support/redis-proxy.js';

// Unset or empty: no Redis here (an empty URL is what `REDIS_URL=` in a shell gives).
const redisUrl = process.env.REDIS_URL || undefined;
const log = pino({ level: 'silent' });
const topic = (kind: string) => `${kind}:${randomUUID()}`;

/** Everything `bus` delivers on `name`, in arrival order. */
function collect(bus: RealtimeBus, name: string): unknown[] {
  const received: unknown[] = [];
  bus.subscribe(name, (message) => received.push(message));
  return received;
}

/** Resolves once live delivery of `name` has begun. */
function subscribed(bus: RealtimeBus, name: string, received: unknown[]): Promise<() => void> {
  return new Promise((resolve) => {
    const unsubscribe = bus.subscribe(
      name,
      (message) => received.push(message),
      () => resolve(unsubscribe),
    );
  });
}

describe('in-process bus', () => {
  const bus = new InProcessBus(log);
  afterAll(() => bus.close());

  it('delivers a topic in publish order, to its subscribers only, as JSON', async () => {
    const room = topic('room');
    const user = topic('user');
    const inRoom: unknown[] = [];
    const forUser = collect(bus, user);
    await subscribed(bus, room, inRoom);
    for (let i = 0; i < 5; i += 1) bus.publish(room, { i, at: new Date(i) });
    bus.publish(topic('room'), 'nobody listens');
    expect(inRoom).toEqual([0, 1, 2, 3, 4].map((i) => ({ i, at: new Date(i).toISOString() })));
    expect(forUser).toEqual([]);
  });

  it('keeps delivering when a listener throws, and stops after unsubscribing', () => {
    const room = topic('room');
    const unsubscribe = bus.subscribe(room, () => {
      throw new Error('a broken socket');
    });
    const received = collect(bus, room);
    bus.publish(room, 1);
    unsubscribe();
    bus.publish(room, 2);
    expect(received).toEqual([1, 2]);
  });
});

describe.skipIf(!redisUrl)('Redis bus across nodes (needs REDIS_URL)', () => {
  const url = redisUrl ?? '';
  const a = new RedisBus(url, log);
  const b = new RedisBus(url, log);
  const admin = new Redis(url);
  const subscribers = async (name: string) =>
    Number(((await admin.pubsub('NUMSUB', topicChannel(name))) as [string, number])[1]);

  beforeAll(() => Promise.all([a.start(), b.start()]));
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    admin.disconnect();
  });

  it('every node sees one topic’s messages in the same order, its own included', async () => {
    const room = topic('room');
    const onA: unknown[] = [];
    const onB: unknown[] = [];
    await Promise.all([subscribed(a, room, onA), subscribed(b, room, onB)]);
    const publishes = [];
    for (let i = 0; i < 50; i += 1)
      publishes.push(a.publish(room, `a${i}`), b.publish(room, `b${i}`));
    await Promise.all(publishes);
    await until(() => onA.length === 100 && onB.length === 100);
    expect(onB).toEqual(onA);
    // Each publisher's own messages keep their order within the shared one.
    const from = (node: string) => onA.filter((m) => String(m).startsWith(node));
    expect(from('a')).toEqual(Array.from({ length: 50 }, (_, i) => `a${i}`));
    expect(from('b')).toEqual(Array.from({ length: 50 }, (_, i) => `b${i}`));
  });

  it('keeps topics apart', async () => {
    const mine = topic('user');
    const other = topic('user');
    const received: unknown[] = [];
    const seen: unknown[] = [];
    await Promise.all([subscribed(b, mine, received), subscribed(b, other, seen)]);
    await a.publish(other, { for: 'other' });
    await a.publish(mine, { for: 'mine' });
    await until(() => received.length === 1 && seen.length === 1);
    expect(received).toEqual([{ for: 'mine' }]);
    expect(seen).toEqual([{ for: 'other' }]);
  });

  it('subscribes to a topic’s channel with its first listener and leaves it with its last', async () => {
    const room = topic('room');
    expect(await subscribers(room)).toBe(0);
    const first = await subscribed(a, room, []);
    const second = await subscribed(a, room, []);
    expect(await subscribers(room)).toBe(1);
    first();
    expect(await subscribers(room)).toBe(1);
    second();
    await expect.poll(() => subscribers(room)).toBe(0);
  });
});

describe.skipIf(!redisUrl)('Redis bus gaps (needs REDIS_URL)', () => {
  const proxy = new RedisProxy(new URL(redisUrl ?? 'redis://127.0.0.1:6379'));
  let away: RedisBus;
  let other: RedisBus;
  afterEach(async () => {
    await Promise.all([away?.close(), other?.close()]);
    await proxy.cut();
  });

  it('a publish lost while Redis was away makes every node resync once it is back', async () => {
    await proxy.open();
    away = new RedisBus(`redis://127.0.0.1:${proxy.port}`, log);
    other = new RedisBus(redisUrl ?? '', log);
    await Promise.all([away.start(), other.start()]);
    let gapsAway = 0;
    let gapsOther = 0;
    away.onGap(() => {
      gapsAway += 1;
    });
    other.onGap(() => {
      gapsOther += 1;
    });
    const room = topic('room');
    const received: unknown[] = [];
    await subscribed(other, room, received);

    await proxy.cut();
    await away.publish(room, 'lost');
    expect(await away.check()).not.toBe('ok');
    await proxy.open();

    await until(() => gapsOther === 1 && gapsAway >= 1);
    await expect.poll(() => away.check()).toBe('ok');
    await away.publish(room, 'live');
    await until(() => received.length === 1);
    expect(received).toEqual(['live']);
  });
});
