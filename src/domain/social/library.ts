import { Set as ImmutableSet } from 'immutable';
import type { Decider } from '../decider.js';
import { assertNever } from '../errors.js';
import { eventGuard } from '../event-schema.js';
import { libraryEventSchemas } from './social-event-schemas.js';

/** The two lists a user keeps of films. */
export type FilmList = 'wishlist' | 'likes';

/**
 * A user's wishlist ("want to watch") and likes: the stream `library-<userId>`. Only its owner
 * writes it, so it is never contended; the film's counters live in the read model.
 */
export type LibraryEvent =
  | {
      readonly type: 'FilmWished' | 'FilmLiked';
      readonly data: { readonly userId: string; readonly filmId: string; readonly at: string };
    }
  | {
      readonly type: 'FilmUnwished' | 'FilmUnliked';
      readonly data: { readonly userId: string; readonly filmId: string; readonly at: string };
    };

/** Add a film to one of the lists or remove it; both are idempotent. */
export interface LibraryCommand {
  readonly type: 'AddFilm' | 'RemoveFilm';
  readonly list: FilmList;
  readonly userId: string;
  readonly filmId: string;
  readonly now: Date;
}

export interface LibraryState {
  readonly wishlist: ImmutableSet<string>;
  readonly likes: ImmutableSet<string>;
}

const initialState: LibraryState = { wishlist: ImmutableSet(), likes: ImmutableSet() };

function evolve(state: LibraryState, event: LibraryEvent): LibraryState {
  const { filmId } = event.data;
  switch (event.type) {
    case 'FilmWished':
      return { ...state, wishlist: state.wishlist.add(filmId) };
    case 'FilmUnwished':
      return { ...state, wishlist: state.wishlist.remove(filmId) };
    case 'FilmLiked':
      return { ...state, likes: state.likes.add(filmId) };
    case 'FilmUnliked':
      return { ...state, likes: state.likes.remove(filmId) };
    default:
      return assertNever(event);
  }
}

const EVENT_OF = {
  wishlist: { AddFilm: 'FilmWished', RemoveFilm: 'FilmUnwished' },
  likes: { AddFilm: 'FilmLiked', RemoveFilm: 'FilmUnliked' },
} as const;

function decide(command: LibraryCommand, state: LibraryState): LibraryEvent[] {
  const listed = state[command.list].has(command.filmId);
  if ((command.type === 'AddFilm') === listed) return [];
  const { userId, filmId } = command;
  const type = EVENT_OF[command.list][command.type];
  return [{ type, data: { userId, filmId, at: command.now.toISOString() } }];
}

/** The library aggregate: one user's wishlist and likes. */
export const libraryDecider: Decider<LibraryCommand, LibraryEvent, LibraryState> = {
  category: 'library',
  initialState,
  decide,
  evolve,
  isEvent: eventGuard(libraryEventSchemas),
};
