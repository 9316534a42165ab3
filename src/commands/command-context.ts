import type { PlaceCommand, PlaceEvent, PlaceState } from '../domain/place/index.js';
import { placeDecider } from '../domain/place/index.js';
import {
  type RoomChatCommand,
  type RoomChatEvent,
  type RoomChatState,
  type RoomCommand,
  type RoomEvent,
  type RoomState,
  roomChatDecider,
  roomDecider,
} from '../domain/room/index.js';
import type {
  ScreeningCommand,
  ScreeningEvent,
  ScreeningState,
} from '../domain/screening/index.js';
import { screeningDecider } from '../domain/screening/index.js';
import {
  type FollowingCommand,
  type FollowingEvent,
  type FollowingState,
  followingDecider,
  type LibraryCommand,
  type LibraryEvent,
  type LibraryState,
  libraryDecider,
} from '../domain/social/index.js';
import type { EventStore } from '../eventstore/event-store.js';
import { AppendBatcher } from './append-batcher.js';
import { DeciderHandler, type DeciderHandlerOptions } from './decider-handler.js';

/** Everything command handlers need: the store, the aggregates' handlers and the clock. */
export interface CommandContext {
  readonly places: DeciderHandler<PlaceCommand, PlaceEvent, PlaceState>;
  readonly screenings: DeciderHandler<ScreeningCommand, ScreeningEvent, ScreeningState>;
  readonly following: DeciderHandler<FollowingCommand, FollowingEvent, FollowingState>;
  readonly library: DeciderHandler<LibraryCommand, LibraryEvent, LibraryState>;
  readonly rooms: DeciderHandler<RoomCommand, RoomEvent, RoomState>;
  readonly roomChats: DeciderHandler<RoomChatCommand, RoomChatEvent, RoomChatState>;
  readonly now: () => Date;
  /** How long an unpaid hold lasts. */
  readonly holdSeconds: number;
}

export interface CommandContextOptions extends DeciderHandlerOptions {
  readonly now?: () => Date;
  readonly holdSeconds?: number;
}

/** Builds the handlers of one process; several contexts on one store act like several servers. */
export function createCommandContext(
  store: EventStore,
  options: CommandContextOptions = {},
): CommandContext {
  // One batcher for every aggregate: a hold and a room change committed together are fine.
  const handlerOptions = store.groupsAppends
    ? { appender: new AppendBatcher(store), ...options }
    : options;
  return {
    places: new DeciderHandler(store, placeDecider, handlerOptions),
    screenings: new DeciderHandler(store, screeningDecider, handlerOptions),
    following: new DeciderHandler(store, followingDecider, handlerOptions),
    library: new DeciderHandler(store, libraryDecider, handlerOptions),
    rooms: new DeciderHandler(store, roomDecider, handlerOptions),
    roomChats: new DeciderHandler(store, roomChatDecider, handlerOptions),
    now: options.now ?? (() => new Date()),
    holdSeconds: options.holdSeconds ?? 900,
  };
}
