import type { Decider } from '../decider.js';
import { eventGuard } from '../event-schema.js';
import type { ScreeningCommand } from './screening-commands.js';
import { decideScreening } from './screening-decide.js';
import { screeningEventSchemas } from './screening-event-schemas.js';
import type { ScreeningEvent } from './screening-events.js';
import { evolveScreening, initialScreeningState, type ScreeningState } from './screening-state.js';

/** The screening aggregate: film, place, seats and every booking made for it. */
export const screeningDecider: Decider<ScreeningCommand, ScreeningEvent, ScreeningState> = {
  category: 'screening',
  initialState: initialScreeningState,
  decide: decideScreening,
  evolve: evolveScreening,
  isEvent: eventGuard(screeningEventSchemas),
};
