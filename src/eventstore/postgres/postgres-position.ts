/** A decoded PostgreSQL log position: the appending transaction id, then the identity value. */
export interface PgPosition {
  readonly txId: bigint;
  readonly globalPosition: bigint;
}

/** Before every event: subscribing from here reads the whole log. */
export const START: PgPosition = { txId: 0n, globalPosition: 0n };

const FORMAT = /^(\d+)-(\d+)$/;

/** Encodes a position as the opaque `"<tx_id>-<global_position>"` string. */
export function formatPosition(txId: string | bigint, globalPosition: string | bigint): string {
  return `${txId}-${globalPosition}`;
}

/** Decodes a position made by {@link formatPosition}; throws a RangeError on anything else. */
export function parsePosition(position: string): PgPosition {
  const match = FORMAT.exec(position);
  if (match === null) throw new RangeError(`not a PostgreSQL event store position: ${position}`);
  return { txId: BigInt(match[1]!), globalPosition: BigInt(match[2]!) };
}

/** Orders positions by (tx_id, global_position), the order of the global feed. */
export function comparePositions(a: string, b: string): number {
  const x = parsePosition(a);
  const y = parsePosition(b);
  if (x.txId !== y.txId) return x.txId < y.txId ? -1 : 1;
  if (x.globalPosition === y.globalPosition) return 0;
  return x.globalPosition < y.globalPosition ? -1 : 1;
}
