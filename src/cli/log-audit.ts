import { fold } from '../domain/decider.js';
import { type PlaceEvent, type PlaceState, placeDecider } from '../domain/place/index.js';
import { isLive, type ScreeningState, screeningDecider } from '../domain/screening/index.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import { checkScreeningEvent, type Problem } from './screening-checks.js';

/** A broken invariant, where it was found. */
export interface Violation extends Problem {
  readonly streamId: string;
  /** The offending event, or null for a finding about the final states. */
  readonly revision: bigint | null;
}

interface PlaceAudit {
  readonly state: PlaceState;
  readonly deletedAt: string | null;
  /** The schedule when the place was deleted: those screenings are judged at that event. */
  readonly listedAtDeletion: ReadonlySet<string>;
}

/**
 * Folds every place and screening stream of the log, checking each event as it comes, then
 * checks what only the final states show: the places' schedules against the screenings.
 */
export class LogAudit {
  readonly #screenings = new Map<string, ScreeningState>();
  readonly #places = new Map<string, PlaceAudit>();
  readonly #violations: Violation[] = [];
  #events = 0;

  /** Streams folded so far. */
  get streams(): number {
    return this.#screenings.size + this.#places.size;
  }

  /** Events seen so far. */
  get events(): number {
    return this.#events;
  }

  apply(event: RecordedEvent): void {
    this.#events += 1;
    const report = (problems: readonly Problem[]) => {
      for (const p of problems) {
        this.#violations.push({ ...p, streamId: event.streamId, revision: event.revision });
      }
    };
    if (screeningDecider.isEvent(event)) {
      const state = this.#screenings.get(event.streamId) ?? screeningDecider.initialState;
      report(checkScreeningEvent(state, event));
      this.#screenings.set(event.streamId, screeningDecider.evolve(state, event));
    } else if (placeDecider.isEvent(event)) {
      const audit = this.#places.get(event.streamId) ?? initialPlaceAudit;
      report(checkPlaceEvent(audit, event));
      this.#places.set(event.streamId, evolvePlaceAudit(audit, event));
    }
  }

  /** Every violation: those found event by event, then those across streams. */
  finish(): readonly Violation[] {
    const found = [...this.#violations];
    const add = (streamId: string, rule: string, message: string) =>
      found.push({ streamId, revision: null, rule, message });
    for (const [streamId, { state }] of this.#places) {
      if (state.status === 'initial') continue;
      for (const screeningId of state.screenings.keys()) {
        const screening = this.#screenings.get(`screening-${screeningId}`);
        if (screening === undefined || screening.status === 'initial') {
          add(
            streamId,
            'dangling_schedule',
            `lists screening ${screeningId}, which does not exist`,
          );
        } else if (screening.placeId !== state.placeId) {
          add(streamId, 'dangling_schedule', `lists screening ${screeningId} of another place`);
        }
      }
    }
    for (const [streamId, screening] of this.#screenings) {
      if (screening.status === 'initial') continue;
      const place = this.#places.get(`place-${screening.placeId}`);
      if (screening.status === 'cancelled') {
        const live = [...screening.bookings.values()].filter(isLive).length;
        if (live > 0) add(streamId, 'live_after_cancel', `cancelled with ${live} live booking(s)`);
        continue;
      }
      if (place === undefined || place.state.status === 'initial') {
        add(
          streamId,
          'unlisted_screening',
          `scheduled at place ${screening.placeId}, which does not exist`,
        );
      } else if (!place.state.screenings.has(screening.screeningId)) {
        add(
          streamId,
          'unlisted_screening',
          `missing from the schedule of place ${screening.placeId}`,
        );
      }
      const judged = place?.listedAtDeletion.has(screening.screeningId) ?? false;
      if (place?.deletedAt && screening.startsAt > place.deletedAt && !judged) {
        add(
          streamId,
          'deleted_place',
          `scheduled for ${screening.startsAt} at a place deleted at ${place.deletedAt}`,
        );
      }
    }
    return found;
  }
}

const initialPlaceAudit: PlaceAudit = {
  state: placeDecider.initialState,
  deletedAt: null,
  listedAtDeletion: new Set(),
};

function evolvePlaceAudit(audit: PlaceAudit, event: PlaceEvent): PlaceAudit {
  const state = fold(placeDecider, [event], audit.state);
  if (event.type !== 'PlaceDeleted' || audit.state.status === 'initial') return { ...audit, state };
  const listedAtDeletion = new Set(audit.state.screenings.keys());
  return { state, deletedAt: event.data.deletedAt, listedAtDeletion };
}

function checkPlaceEvent(audit: PlaceAudit, event: PlaceEvent): Problem[] {
  const { state } = audit;
  if (event.type === 'PlaceCreated') {
    return state.status === 'initial'
      ? []
      : [{ rule: 'duplicate_creation', message: 'created twice' }];
  }
  if (state.status === 'initial') {
    return [{ rule: 'before_creation', message: `${event.type} before the place was created` }];
  }
  if (state.status === 'deleted' && event.type !== 'ScreeningRemovedFromPlace') {
    return [{ rule: 'illegal_transition', message: `${event.type} after the place was deleted` }];
  }
  if (event.type !== 'PlaceDeleted') return [];
  const upcoming = [...state.screenings].filter(([, startsAt]) => startsAt > event.data.deletedAt);
  return upcoming.map(([id, startsAt]) => ({
    rule: 'deleted_place',
    message: `deleted at ${event.data.deletedAt} with screening ${id} scheduled for ${startsAt}`,
  }));
}
