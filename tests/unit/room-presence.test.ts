import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { presenceBoard } from '../../src/api/rooms/live/presence-board.js';
import { type PresenceEntry, presenceView } from '../../src/api/rooms/live/room-presence.js';

const silent = { warn: () => undefined } as unknown as FastifyBaseLogger;

const entry = (userId: string, online: boolean, state: PresenceEntry['state']): PresenceEntry => ({
  userId,
  online,
  state,
  bufferingSince: null,
  everReady: state === 'ready',
  rttMs: 0,
});

describe('room presence', () => {
  it('shows a member online and ready if any node says so', () => {
    const view = presenceView([
      entry('ann', true, 'ready'),
      entry('ann', false, 'unknown'),
      entry('bob', true, 'buffering'),
      entry('cid', false, 'ready'),
    ]);
    expect(view.get('ann')).toEqual({ online: true, ready: true });
    expect(view.get('bob')).toEqual({ online: true, ready: false });
    expect(view.get('cid')).toEqual({ online: false, ready: false });
  });

  it('in one process: what this node put, until it puts the room empty or the entry lapses', async () => {
    const board = presenceBoard(undefined, 'node-a', 50, silent);
    await board.put('r1', new Map([['ann', { online: true, ready: true }]]));
    await board.put('r2', new Map([['bob', { online: true, ready: false }]]));
    const both = await board.read(['r1', 'r2', 'r3']);
    expect(both.get('r1')?.get('ann')).toEqual({ online: true, ready: true });
    expect(both.get('r2')?.get('bob')).toEqual({ online: true, ready: false });
    expect(both.get('r3')?.size).toBe(0);
    await board.put('r1', new Map());
    expect((await board.read(['r1'])).get('r1')?.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await board.read(['r2'])).get('r2')?.size).toBe(0);
    await board.close();
  });
});
