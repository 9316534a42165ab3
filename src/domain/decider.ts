/** A domain event as the aggregate sees it: a type and its data, without envelope. */
export interface DomainEvent {
  readonly type: string;
  readonly data: object;
}

/** A pure aggregate: decide events from a command and a state; fold events into a state. */
export interface Decider<Command, Event extends DomainEvent, State> {
  /** Stream category: streams are named `<category>-<id>`. */
  readonly category: string;
  readonly initialState: State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  /** Whether a stored event belongs to this aggregate (unknown types are skipped). */
  isEvent(event: DomainEvent): event is Event;
}

/** Folds events into a state from the decider's initial state (or a given one). */
export function fold<C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  events: Iterable<DomainEvent>,
  from: S = decider.initialState,
): S {
  let state = from;
  for (const event of events) {
    if (decider.isEvent(event)) state = decider.evolve(state, event);
  }
  return state;
}
