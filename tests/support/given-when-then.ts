import { expect } from 'vitest';
import { type Decider, type DomainEvent, fold } from '../../src/domain/decider.js';
import { DomainError, type DomainErrorCode } from '../../src/domain/errors.js';

/** The outcome assertions of a given/when scenario. */
export interface Then<Event> {
  /** Asserts the command decides exactly these events, in this order. Not a promise: never await. */
  then(expected: readonly Event[]): void;
  /** Asserts the command is refused with this code; returns the error for further checks. */
  thenThrows(code: DomainErrorCode): DomainError;
  /** Asserts the command is accepted and decides no event (an idempotent retry). */
  thenNothing(): void;
}

/** The command step of a given/when scenario. */
export interface When<Command, Event> {
  when(command: Command): Then<Event>;
}

/**
 * Emmett-style scenario for any decider: fold the `events` into a state, decide `command`
 * against it, and assert the exact events or the exact DomainError code.
 */
export function given<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
  events: readonly Event[] = [],
): When<Command, Event> {
  const state = fold(decider, events);
  return {
    when(command) {
      const decide = () => decider.decide(command, state);
      return {
        // biome-ignore lint/suspicious/noThenProperty: the Emmett given/when/then vocabulary; never await it.
        then(expected) {
          expect(decide()).toEqual(expected);
        },
        thenThrows(code) {
          let thrown: unknown;
          try {
            const events = decide();
            expect.fail(`expected ${code}, but the command decided ${JSON.stringify(events)}`);
          } catch (error) {
            thrown = error;
          }
          if (!(thrown instanceof DomainError)) throw thrown;
          expect(thrown.code).toBe(code);
          return thrown;
        },
        thenNothing() {
          expect(decide()).toEqual([]);
        },
      };
    },
  };
}
