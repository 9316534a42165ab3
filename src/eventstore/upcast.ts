import { screeningUpcasters } from '../domain/screening/screening-upcasters.js';

/** Brings the data of a stored event of an older shape to the current one. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

const upcasters: ReadonlyMap<string, Upcaster> = new Map(Object.entries(screeningUpcasters));

/**
 * The event as current code expects it: every adapter passes what it reads through here, so
 * projections, reactors, the CLI and exports never see a retired shape.
 */
export function upcast<E extends { readonly type: string; readonly data: Record<string, unknown> }>(
  event: E,
): E {
  const upcaster = upcasters.get(event.type);
  return upcaster === undefined ? event : { ...event, data: upcaster(event.data) };
}
