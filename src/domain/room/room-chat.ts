import type { Decider, DomainEvent } from '../decider.js';
import { refuse } from '../errors.js';

/** Longest chat message, in characters. */
export const MAX_CHAT_TEXT = 1000;
/** At most this many messages per member within `CHAT_WINDOW_MS`. */
export const CHAT_BURST = 5;
export const CHAT_WINDOW_MS = 5000;

/**
 * The chat of one room: the stream `roomchat-<roomId>`, apart from `room-<roomId>` so that chat
 * trouble (a hot or failing chat stream) never delays or stops a playback control.
 */
export type RoomChatEvent = {
  readonly type: 'ChatMessagePosted';
  readonly data: {
    readonly roomId: string;
    readonly messageId: string;
    readonly userId: string;
    readonly text: string;
    /** Where the sender's player was (s), so readers can place the remark in the film. */
    readonly mediaPosition: number;
    readonly sentAt: string;
  };
};

export type RoomChatCommand = {
  readonly type: 'PostMessage';
  readonly roomId: string;
  readonly messageId: string;
  readonly userId: string;
  readonly text: string;
  readonly mediaPosition: number;
  readonly now: Date;
};

/** Per member, the times (ms) of their last few messages: all the rate limit needs. */
export interface RoomChatState {
  readonly recent: ReadonlyMap<string, readonly number[]>;
  readonly messageIds: ReadonlySet<string>;
}

function evolve(state: RoomChatState, event: RoomChatEvent): RoomChatState {
  const { userId, sentAt, messageId } = event.data;
  const times = [...(state.recent.get(userId) ?? []), Date.parse(sentAt)].slice(-CHAT_BURST);
  const recent = new Map(state.recent).set(userId, times);
  // Only the ids of the last messages matter for retries; keep the set bounded.
  const ids = [...state.messageIds, messageId].slice(-CHAT_BURST * 20);
  return { recent, messageIds: new Set(ids) };
}

function decide(command: RoomChatCommand, state: RoomChatState): RoomChatEvent[] {
  if (state.messageIds.has(command.messageId)) return [];
  const text = command.text.trim();
  if (text.length < 1 || text.length > MAX_CHAT_TEXT) {
    return refuse('invalid_chat_message', `a message has 1–${MAX_CHAT_TEXT} characters`);
  }
  const now = command.now.getTime();
  const times = state.recent.get(command.userId) ?? [];
  const inWindow = times.filter((t) => t > now - CHAT_WINDOW_MS);
  if (inWindow.length >= CHAT_BURST) {
    return refuse('rate_limited', `at most ${CHAT_BURST} messages per ${CHAT_WINDOW_MS / 1000} s`);
  }
  const mediaPosition = Number.isFinite(command.mediaPosition)
    ? Math.max(0, command.mediaPosition)
    : 0;
  const { roomId, messageId, userId } = command;
  return [
    {
      type: 'ChatMessagePosted',
      data: { roomId, messageId, userId, text, mediaPosition, sentAt: command.now.toISOString() },
    },
  ];
}

/** The chat aggregate of a room. */
export const roomChatDecider: Decider<RoomChatCommand, RoomChatEvent, RoomChatState> = {
  category: 'roomchat',
  initialState: { recent: new Map(), messageIds: new Set() },
  decide,
  evolve,
  isEvent: (event: DomainEvent): event is RoomChatEvent => event.type === 'ChatMessagePosted',
};
