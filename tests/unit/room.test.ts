import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/cli/summary.js';
import {
  type RoomCommand,
  type RoomEvent,
  roomChatDecider,
  roomDecider,
} from '../../src/domain/room/index.js';
import { given } from '../support/given-when-then.js';

const roomId = '00000000-0000-4000-8000-0000000000a1';
const filmId = '00000000-0000-4000-8000-0000000000f1';
const host = '00000000-0000-4000-8000-000000000001';
const ann = '00000000-0000-4000-8000-000000000002';
const bob = '00000000-0000-4000-8000-000000000003';
const t0 = new Date('2026-12-02T20:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();
const paused0 = { status: 'paused' as const, position: 0, at: iso(0), rate: 1, seq: 0 };

const opened: RoomEvent = {
  type: 'RoomOpened',
  data: {
    roomId,
    filmId,
    hostId: host,
    durationSeconds: 60,
    locked: false,
    invited: [ann],
    playback: paused0,
    openedAt: iso(0),
  },
};
const annJoined: RoomEvent = {
  type: 'RoomJoined',
  data: { roomId, userId: ann, joinedAt: iso(1000) },
};
const locked: RoomEvent = {
  type: 'RoomLockChanged',
  data: { roomId, by: host, locked: true, at: iso(1500) },
};
const playing: RoomEvent = {
  type: 'PlaybackChanged',
  data: {
    roomId,
    by: host,
    cause: 'play',
    playback: { status: 'playing', position: 0, at: iso(2500), rate: 1, seq: 1 },
    decidedAt: iso(2000),
  },
};
const closedByHost: RoomEvent = {
  type: 'RoomClosed',
  data: {
    roomId,
    by: host,
    reason: 'host',
    playback: { ...paused0, at: iso(3000), seq: 1 },
    closedAt: iso(3000),
  },
};

const control = (
  userId: string,
  c: Extract<RoomCommand, { type: 'Control' }>['control'],
  ms: number,
  someoneBuffering = false,
): RoomCommand => ({
  type: 'Control',
  userId,
  control: c,
  leadMs: 500,
  someoneBuffering,
  now: at(ms),
});

describe('open', () => {
  const open: RoomCommand = {
    type: 'OpenRoom',
    roomId,
    filmId,
    hostId: host,
    durationSeconds: 60,
    invite: [ann, host, ann],
    locked: false,
    now: t0,
  };
  it('opens a paused room with the host, inviting the others once', () => {
    given(roomDecider).when(open).then([opened]);
  });
  it('is a no-op when retried, a clash for another film', () => {
    given(roomDecider, [opened]).when(open).thenNothing();
    given(roomDecider, [opened])
      .when({ ...open, filmId: ann })
      .thenThrows('room_already_exists');
  });
  it('refuses a film without media', () => {
    given(roomDecider)
      .when({ ...open, durationSeconds: 0 })
      .thenThrows('media_unavailable');
  });
});

describe('invite, join, leave, lock', () => {
  it('lets the host invite new people only', () => {
    given(roomDecider, [opened])
      .when({ type: 'Invite', userId: host, userIds: [ann, bob, bob], now: at(5) })
      .then([
        { type: 'RoomInvited', data: { roomId, by: host, userIds: [bob], invitedAt: iso(5) } },
      ]);
    given(roomDecider, [opened])
      .when({ type: 'Invite', userId: host, userIds: [ann], now: at(5) })
      .thenNothing();
    given(roomDecider, [opened])
      .when({ type: 'Invite', userId: ann, userIds: [bob], now: at(5) })
      .thenThrows('not_room_host');
    given(roomDecider, [opened, closedByHost])
      .when({ type: 'Invite', userId: host, userIds: [bob], now: at(5) })
      .thenThrows('room_closed');
  });
  it('lets invitees and friends of the host join; others do not see the room', () => {
    given(roomDecider, [opened])
      .when({ type: 'Join', userId: ann, friendOfHost: false, now: at(1000) })
      .then([annJoined]);
    given(roomDecider, [opened, annJoined])
      .when({ type: 'Join', userId: ann, friendOfHost: false, now: at(9) })
      .thenNothing();
    given(roomDecider, [opened])
      .when({ type: 'Join', userId: bob, friendOfHost: true, now: at(9) })
      .then([{ type: 'RoomJoined', data: { roomId, userId: bob, joinedAt: iso(9) } }]);
    given(roomDecider, [opened])
      .when({ type: 'Join', userId: bob, friendOfHost: false, now: at(9) })
      .thenThrows('room_not_found');
    given(roomDecider, [opened, closedByHost])
      .when({ type: 'Join', userId: ann, friendOfHost: false, now: at(9) })
      .thenThrows('room_closed');
    given(roomDecider)
      .when({ type: 'Join', userId: ann, friendOfHost: true, now: at(9) })
      .thenThrows('room_not_found');
  });
  it('leaves once', () => {
    given(roomDecider, [opened, annJoined])
      .when({ type: 'Leave', userId: ann, now: at(7) })
      .then([{ type: 'RoomLeft', data: { roomId, userId: ann, leftAt: iso(7) } }]);
    given(roomDecider, [opened])
      .when({ type: 'Leave', userId: ann, now: at(7) })
      .thenNothing();
    given(roomDecider, [opened, closedByHost])
      .when({ type: 'Leave', userId: host, now: at(7) })
      .thenThrows('room_closed');
  });
  it('locks by the host only', () => {
    given(roomDecider, [opened, annJoined])
      .when({ type: 'SetLock', userId: host, locked: true, now: at(1500) })
      .then([locked]);
    given(roomDecider, [opened, annJoined, locked])
      .when({ type: 'SetLock', userId: host, locked: true, now: at(1500) })
      .thenNothing();
    given(roomDecider, [opened, annJoined])
      .when({ type: 'SetLock', userId: ann, locked: true, now: at(1500) })
      .thenThrows('not_room_host');
  });
});

describe('playback', () => {
  it('schedules a play ahead by the lead', () => {
    given(roomDecider, [opened, annJoined])
      .when(control(host, { action: 'play' }, 2000))
      .then([playing]);
  });
  it('waits while someone buffers, then the room releases it', () => {
    const waiting: RoomEvent = {
      type: 'PlaybackChanged',
      data: {
        roomId,
        by: ann,
        cause: 'play',
        playback: { status: 'waiting', position: 0, at: iso(2000), rate: 1, seq: 1 },
        decidedAt: iso(2000),
      },
    };
    given(roomDecider, [opened, annJoined])
      .when(control(ann, { action: 'play' }, 2000, true))
      .then([waiting]);
    given(roomDecider, [opened, annJoined, waiting])
      .when({ type: 'ReleaseWaiting', leadMs: 500, now: at(4000) })
      .then([
        {
          type: 'PlaybackChanged',
          data: {
            roomId,
            by: null,
            cause: 'waiting_released',
            playback: { status: 'playing', position: 0, at: iso(4500), rate: 1, seq: 2 },
            decidedAt: iso(4000),
          },
        },
      ]);
    given(roomDecider, [opened])
      .when({ type: 'ReleaseWaiting', leadMs: 500, now: at(4000) })
      .thenNothing();
  });
  it('refuses a member control in a locked room, but not the host', () => {
    given(roomDecider, [opened, annJoined, locked])
      .when(control(ann, { action: 'play' }, 2000))
      .thenThrows('not_room_host');
    given(roomDecider, [opened, annJoined, locked])
      .when(control(host, { action: 'play' }, 2000))
      .then([playing]);
  });
  it('refuses non-members, bad values, closed rooms; a play while playing is a no-op', () => {
    given(roomDecider, [opened])
      .when(control(bob, { action: 'play' }, 2000))
      .thenThrows('not_room_member');
    given(roomDecider, [opened])
      .when(control(host, { action: 'rate', rate: 3 }, 2000))
      .thenThrows('invalid_control');
    given(roomDecider, [opened, closedByHost])
      .when(control(host, { action: 'play' }, 2000))
      .thenThrows('room_closed');
    given(roomDecider, [opened, playing])
      .when(control(host, { action: 'play' }, 2600))
      .thenNothing();
  });
});

describe('close', () => {
  it('closes by the host, once; others are refused', () => {
    given(roomDecider, [opened])
      .when({ type: 'Close', userId: host, reason: 'host', now: at(3000) })
      .then([closedByHost]);
    given(roomDecider, [opened, closedByHost])
      .when({ type: 'Close', userId: host, reason: 'host', now: at(4000) })
      .thenNothing();
    given(roomDecider, [opened])
      .when({ type: 'Close', userId: ann, reason: 'host', now: at(3000) })
      .thenThrows('not_room_host');
  });
  it('closes at the end of the film only once the timeline has passed it', () => {
    given(roomDecider, [opened, playing])
      .when({ type: 'Close', userId: null, reason: 'ended', now: at(30_000) })
      .thenNothing();
    given(roomDecider, [opened, playing])
      .when({ type: 'Close', userId: null, reason: 'ended', now: at(70_000) })
      .then([
        {
          type: 'RoomClosed',
          data: {
            roomId,
            by: null,
            reason: 'ended',
            playback: { status: 'paused', position: 60, at: iso(70_000), rate: 1, seq: 2 },
            closedAt: iso(70_000),
          },
        },
      ]);
  });
  it('closes when empty', () => {
    given(roomDecider, [opened])
      .when({ type: 'Close', userId: null, reason: 'empty', now: at(600_000) })
      .then([
        {
          type: 'RoomClosed',
          data: {
            roomId,
            by: null,
            reason: 'empty',
            playback: { ...paused0, at: iso(600_000), seq: 1 },
            closedAt: iso(600_000),
          },
        },
      ]);
  });
});

describe('chat', () => {
  const post = (
    ms: number,
    messageId: string,
    text = 'hi',
  ): Parameters<typeof roomChatDecider.decide>[0] => ({
    type: 'PostMessage',
    roomId,
    messageId,
    userId: ann,
    text,
    mediaPosition: 12.5,
    now: at(ms),
  });
  const posted = (ms: number, messageId: string) => ({
    type: 'ChatMessagePosted' as const,
    data: { roomId, messageId, userId: ann, text: 'hi', mediaPosition: 12.5, sentAt: iso(ms) },
  });
  const five = [0, 1, 2, 3, 4].map((i) => posted(i * 100, `m${i}`));

  it('posts a message with the media position; a retry is a no-op', () => {
    given(roomChatDecider)
      .when(post(0, 'm0'))
      .then([posted(0, 'm0')]);
    given(roomChatDecider, [posted(0, 'm0')])
      .when(post(10, 'm0'))
      .thenNothing();
  });
  it('limits length', () => {
    given(roomChatDecider)
      .when(post(0, 'x', '   '))
      .thenThrows('invalid_chat_message');
    given(roomChatDecider)
      .when(post(0, 'x', 'a'.repeat(1001)))
      .thenThrows('invalid_chat_message');
    expect(
      roomChatDecider.decide(post(0, 'x', 'a'.repeat(1000)), roomChatDecider.initialState),
    ).toHaveLength(1);
  });
  it('allows 5 messages per 5 s per member', () => {
    given(roomChatDecider, five).when(post(4999, 'm5')).thenThrows('rate_limited');
    given(roomChatDecider, five)
      .when(post(5001, 'm5'))
      .then([posted(5001, 'm5')]);
  });
});

describe('history summaries', () => {
  it('tell the story of a room in one line per event', () => {
    const recorded = (event: RoomEvent, revision: number) => ({
      ...event,
      id: `e${revision}`,
      streamId: `room-${roomId}`,
      revision: BigInt(revision),
      position: String(revision),
      metadata: { correlationId: 'c', schemaVersion: 1 },
      createdAt: t0,
    });
    const lines = [opened, annJoined, locked, playing, closedByHost].map((e, i) =>
      summarize(recorded(e, i) as never),
    );
    expect(lines).toEqual([
      '00000000… opened a room for film 00000000… (60 s), inviting 1',
      '00000000… joined',
      '00000000… locked the controls',
      `00000000… play → playing from 0.0 s at ${iso(2500)} (seq 1)`,
      'closed by 00000000… at 0.0 s',
    ]);
  });
});
