import type { z } from 'zod';
import type { DomainEvent } from './decider.js';

/** The data of the events of `E` whose type can be `T` (a member may cover several types). */
type DataOf<E, T> = E extends { readonly type: infer U; readonly data: infer D }
  ? T extends U
    ? D
    : never
  : never;

/** The zod schema of each event type's data; typed so a schema cannot drift from its event. */
export type EventSchemas<E extends DomainEvent> = {
  readonly [T in E['type']]: z.ZodType<DataOf<E, T>>;
};

/** A stored event whose data does not match its type's schema: the log holds a bad shape. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
  constructor(
    readonly eventType: string,
    readonly problem: string,
  ) {
    super(`stored ${eventType} event does not match its schema: ${problem}`);
  }
}

// Events are checked where they are read and again by every `isEvent`: one check per data object.
const checked = new WeakMap<object, string | null>();

/** What is wrong with `data` for `schema`, or undefined when it matches. */
export function eventDataProblem(schema: z.ZodType, data: unknown): string | undefined {
  const key = typeof data === 'object' && data !== null ? data : undefined;
  const cached = key && checked.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const result = schema.safeParse(data);
  const problem = result.success
    ? null
    : result.error.issues
        .map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`)
        .join('; ');
  if (key) checked.set(key, problem);
  return problem ?? undefined;
}

/**
 * A decider's `isEvent`: whether the event is one of its types. One of its types with data
 * that does not match the schema throws {@link MalformedEventError}, so a projection is stuck on
 * it loudly (and a command on its stream fails) rather than folding a shape it does not know.
 */
export function eventGuard<E extends DomainEvent>(
  schemas: EventSchemas<E>,
): (event: DomainEvent) => event is E {
  const byType = new Map<string, z.ZodType>(Object.entries(schemas));
  return (event: DomainEvent): event is E => {
    const schema = byType.get(event.type);
    if (schema === undefined) return false;
    const problem = eventDataProblem(schema, event.data);
    if (problem !== undefined) throw new MalformedEventError(event.type, problem);
    return true;
  };
}
