import type { Decider, DomainEvent } from '../decider.js';
import type { ScreeningCommand } from './screening-commands.js';
import { decideScreening } from './screening-decide.js';
import { type ScreeningEvent, screeningEventTypes } from './screening-events.js';
import { evolveScreening, initialScreeningState, type ScreeningState } from './screening-state.js';

const types = new Set<string>(screeningEventTypes);

/** The screening aggregate: film, place, seats and every booking made for it. */
export const screeningDecider: Decider<ScreeningCommand, ScreeningEvent, ScreeningState> = {
  category: 'screening',
  initialState: initialScreeningState,
  decide: decideScreening,
  evolve: evolveScreening,
  isEvent: (event: DomainEvent): event is ScreeningEvent => types.has(event.type),
};
