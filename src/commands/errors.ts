/** The command's `If-Match` version is not the stream's current one. */
export class VersionMismatch extends Error {
  override readonly name = 'VersionMismatch';
  readonly code = 'version_mismatch';
  constructor(
    readonly expected: bigint,
    readonly actual: bigint | null,
  ) {
    super(`the resource is at version ${String(actual)}, not ${expected}`);
  }
}

/** Optimistic retries ran out: the stream kept moving under this command. */
export class ConcurrencyConflict extends Error {
  override readonly name = 'ConcurrencyConflict';
  readonly code = 'concurrency_conflict';
  constructor(
    readonly streamId: string,
    readonly attempts: number,
  ) {
    super(`stream ${streamId} kept changing; gave up after ${attempts} attempts`);
  }
}
