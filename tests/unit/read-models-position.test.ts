import { describe, expect, it } from 'vitest';
import { ReadModelsPosition } from '../../src/api/plugins/read-models-position.js';
import type { Db } from '../../src/projections/db/database.js';

const compare = (a: string, b: string) => Number(BigInt(a) - BigInt(b));
// What it learns from the projector needs no database (the checkpoint path is tested end to
// end: tests/e2e/session-consistency.test.ts).
const position = () =>
  new ReadModelsPosition({ db: undefined as unknown as Db, store: { comparePositions: compare } });

describe('ReadModelsPosition, from the projector in this process', () => {
  it('knows a position only from the commits of an active projector', () => {
    const projector = { active: false };
    const watch = position();
    expect(watch.passed('1')).toBeUndefined();
    watch.follow(projector);
    watch.advanced('5');
    expect(watch.passed('5'), 'not the active projector: cannot tell').toBeUndefined();
    projector.active = true;
    expect(watch.tracking).toBe(true);
    expect(watch.passed('5')).toBe(true);
    expect(watch.passed('4')).toBe(true);
    expect(watch.passed('6'), 'not reached yet').toBeUndefined();
  });

  it('does not track before the projector has committed since it started', () => {
    const watch = position();
    watch.follow({ active: true });
    expect(watch.active).toBe(true);
    expect(watch.tracking).toBe(false);
    expect(watch.passed('1')).toBeUndefined();
  });

  it('wakes a waiter at the next commit, and one that waits too long at its deadline', async () => {
    const watch = position();
    watch.follow({ active: true });
    const started = Date.now();
    const woken = watch.nextCommit(5_000);
    setTimeout(() => watch.advanced('9'), 20);
    await woken;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(watch.passed('9')).toBe(true);
    const before = Date.now();
    await watch.nextCommit(30);
    expect(Date.now() - before).toBeGreaterThanOrEqual(25);
  });
});
