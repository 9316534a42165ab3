import type { ExpectedRevision } from './event-store.js';

/** The one error every adapter throws when the stream is not at the expected revision. */
export class WrongExpectedRevision extends Error {
  override readonly name = 'WrongExpectedRevision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Actual revision, or null when the stream does not exist (undefined if unknown). */
    readonly actual: bigint | null | undefined,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}
