import { roomChatDecider, roomDecider } from '../domain/room/index.js';
import type { RecordedEvent } from '../eventstore/event-store.js';

const short = (id: string | null): string => (id ? `${id.slice(0, 8)}…` : 'the room');

const timeline = (p: { status: string; position: number; at: string; rate: number; seq: number }) =>
  `${p.status} from ${p.position.toFixed(1)} s at ${p.at}${p.rate === 1 ? '' : ` ×${p.rate}`} (seq ${p.seq})`;

/** One line saying what a room or room-chat event did; undefined for other events. */
export function summarizeRoom(event: RecordedEvent): string | undefined {
  if (roomChatDecider.isEvent(event)) {
    const d = event.data;
    return `${short(d.userId)} said ${JSON.stringify(d.text.slice(0, 40))} at ${d.mediaPosition.toFixed(1)} s`;
  }
  if (!roomDecider.isEvent(event)) return undefined;
  switch (event.type) {
    case 'RoomOpened': {
      const d = event.data;
      const lock = d.locked ? ', locked' : '';
      return `${short(d.hostId)} opened a room for film ${short(d.filmId)} (${d.durationSeconds} s${lock}), inviting ${d.invited.length}`;
    }
    case 'RoomInvited':
      return `${short(event.data.by)} invited ${event.data.userIds.map(short).join(', ')}`;
    case 'RoomJoined':
      return `${short(event.data.userId)} joined`;
    case 'RoomLeft':
      return `${short(event.data.userId)} left`;
    case 'RoomLockChanged':
      return `${short(event.data.by)} ${event.data.locked ? 'locked' : 'unlocked'} the controls`;
    case 'PlaybackChanged': {
      const d = event.data;
      return `${short(d.by)} ${d.cause.replace('_', ' ')} → ${timeline(d.playback)}`;
    }
    case 'RoomClosed': {
      const d = event.data;
      const why = {
        host: `closed by ${short(d.by)}`,
        ended: 'closed: the film ended',
        empty: 'closed: nobody online for 10 min',
      };
      return `${why[d.reason]} at ${d.playback.position.toFixed(1)} s`;
    }
    default: {
      const _: never = event;
      return undefined;
    }
  }
}
