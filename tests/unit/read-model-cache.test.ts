import { describe, expect, it } from 'vitest';
import { ReadModelCache } from '../../src/api/plugins/read-model-cache.js';

const compare = (a: string, b: string) => Number(a) - Number(b);

function cacheWith(active = true) {
  let now = 0;
  const projector = { active };
  const cache = new ReadModelCache({ comparePositions: compare, now: () => now });
  cache.follow(projector);
  let computed = 0;
  const compute = async () => `answer ${++computed}`;
  return { cache, projector, compute, tick: (ms: number) => (now += ms) };
}

describe('ReadModelCache', () => {
  it('serves the same answer until the projector commits a batch', async () => {
    const { cache, compute } = cacheWith();
    expect(await cache.get('k', undefined, compute)).toBe('answer 1');
    expect(await cache.get('k', undefined, compute)).toBe('answer 1');
    cache.advanced('5');
    expect(await cache.get('k', undefined, compute)).toBe('answer 2');
  });

  it('computes every read while this process does not hold the projector lock', async () => {
    const { cache, projector, compute } = cacheWith(false);
    expect(await cache.get('k', undefined, compute)).toBe('answer 1');
    expect(await cache.get('k', undefined, compute)).toBe('answer 2');
    projector.active = true;
    await cache.get('k', undefined, compute);
    expect(await cache.get('k', undefined, compute)).toBe('answer 3');
  });

  it('gives a reader that must see a position only an answer computed at or after it', async () => {
    const { cache, compute } = cacheWith();
    cache.advanced('5');
    expect(await cache.get('k', undefined, compute)).toBe('answer 1');
    expect(await cache.get('k', '5', compute)).toBe('answer 1');
    // Committed but not yet announced: the reader saw checkpoint 6 in the database.
    expect(await cache.get('k', '6', compute)).toBe('answer 2');
  });

  it('does not keep an answer computed across a commit, nor one older than its age bound', async () => {
    const { cache, compute, tick } = cacheWith();
    await cache.get('k', undefined, async () => {
      cache.advanced('7');
      return 'computed across a commit';
    });
    expect(await cache.get('k', undefined, compute)).toBe('answer 1');
    tick(5_000);
    expect(await cache.get('k', undefined, compute)).toBe('answer 2');
  });
});
