import type { RecordedEvent } from '../eventstore/event-store.js';

/** A recorded event as JSON: the line format of `export`, `import` and `history --json`. */
export interface EventJson {
  readonly streamId: string;
  /** A decimal string: a bigint does not survive JSON. */
  readonly revision: string;
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: RecordedEvent['metadata'];
  readonly createdAt: string;
  readonly position: string;
}

/** The JSON shape of a recorded event. */
export function toEventJson(event: RecordedEvent): EventJson {
  return {
    streamId: event.streamId,
    revision: event.revision.toString(),
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    createdAt: event.createdAt.toISOString(),
    position: event.position,
  };
}

/** JSON.stringify that also writes JS Maps as objects and bigints as strings. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v instanceof Map) return Object.fromEntries(v);
      if (typeof v === 'bigint') return v.toString();
      return v;
    },
    indent,
  );
}
