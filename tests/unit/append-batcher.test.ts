import { describe, expect, it } from 'vitest';
import { AppendBatcher } from '../../src/commands/append-batcher.js';
import { WrongExpectedRevision } from '../../src/eventstore/errors.js';
import type {
  EventStore,
  StreamAppend,
  StreamAppendOutcome,
} from '../../src/eventstore/event-store.js';
import { newEvent } from '../support/event-store.js';

/** A store whose appendMany records each group and answers when told to. */
function recordingStore() {
  const groups: StreamAppend[][] = [];
  const answers: ((outcomes: StreamAppendOutcome[]) => void)[] = [];
  const store = {
    appendMany: (appends: readonly StreamAppend[]) => {
      groups.push([...appends]);
      return new Promise<StreamAppendOutcome[]>((resolve) => answers.push(resolve));
    },
  } as unknown as EventStore;
  const ok = (group: readonly StreamAppend[]): StreamAppendOutcome[] =>
    group.map((a) => ({
      ok: true,
      result: { nextRevision: BigInt(a.events.length), position: `p-${a.streamId}` },
    }));
  return { store, groups, answers, ok };
}

// A few turns of the event loop: the batcher sends on setImmediate once a group settles.
const tick = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('AppendBatcher', () => {
  it('sends a lone append at once and groups those that arrive while groups are in flight', async () => {
    const { store, groups, answers, ok } = recordingStore();
    const batcher = new AppendBatcher(store, { maxInFlight: 1 });
    const first = batcher.append('s-1', [newEvent()], { expectedRevision: 0n });
    await tick();
    expect(groups.map((g) => g.map((a) => a.streamId))).toEqual([['s-1']]);
    const later = ['s-2', 's-3', 's-4'].map((s) =>
      batcher.append(s, [newEvent()], { expectedRevision: 0n }),
    );
    await tick();
    expect(groups).toHaveLength(1);
    answers[0]!(ok(groups[0]!));
    await expect(first).resolves.toEqual({ nextRevision: 1n, position: 'p-s-1' });
    await tick();
    expect(groups[1]!.map((a) => a.streamId)).toEqual(['s-2', 's-3', 's-4']);
    answers[1]!(ok(groups[1]!));
    expect((await Promise.all(later)).map((r) => r.position)).toEqual(['p-s-2', 'p-s-3', 'p-s-4']);
  });

  it('settles each append with its own outcome: a conflict rejects only its own', async () => {
    const { store, groups, answers, ok } = recordingStore();
    const batcher = new AppendBatcher(store, { maxInFlight: 1 });
    const blocker = batcher.append('s-0', [newEvent()], { expectedRevision: 0n });
    await tick();
    const [a, b] = ['s-1', 's-2'].map((s) =>
      batcher.append(s, [newEvent()], { expectedRevision: 0n }),
    );
    answers[0]!(ok(groups[0]!));
    await blocker;
    await tick();
    const conflict = new WrongExpectedRevision('s-2', 0n, 3n);
    answers[1]!([ok(groups[1]!)[0]!, { ok: false, error: conflict }]);
    await expect(a).resolves.toMatchObject({ position: 'p-s-1' });
    await expect(b).rejects.toBe(conflict);
  });

  it('never puts one stream twice in a group: the second append waits for the next', async () => {
    const { store, groups, answers, ok } = recordingStore();
    const batcher = new AppendBatcher(store, { maxInFlight: 1 });
    const first = batcher.append('s-1', [newEvent()], { expectedRevision: 0n });
    const second = batcher.append('s-1', [newEvent()], { expectedRevision: 1n });
    await tick();
    expect(groups.map((g) => g.map((a) => a.expectedRevision))).toEqual([[0n]]);
    answers[0]!(ok(groups[0]!));
    await first;
    await tick();
    expect(groups[1]!.map((a) => a.expectedRevision)).toEqual([1n]);
    answers[1]!(ok(groups[1]!));
    await second;
  });

  it('rejects the whole group when the store fails outright', async () => {
    const failing = {
      appendMany: () => Promise.reject(new Error('connection lost')),
    } as unknown as EventStore;
    const batcher = new AppendBatcher(failing);
    const appends = ['s-1', 's-2'].map((s) =>
      batcher.append(s, [newEvent()], { expectedRevision: 0n }),
    );
    for (const append of appends) await expect(append).rejects.toThrow('connection lost');
  });
});
