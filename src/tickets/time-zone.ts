import type { Runtime } from '../runtime.js';

/** Whether a string names a time zone this runtime knows (IANA, e.g. "Europe/Paris"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The time zone a place's times are shown in: its own, else the deployment's default. */
export async function placeTimeZone(runtime: Runtime, placeId: string): Promise<string> {
  // The place's stream, not its read-model row: a deleted place's screenings still need it.
  const { state } = await runtime.commands.places.load(placeId);
  const own = state.status === 'initial' ? null : state.timeZone;
  return own && isTimeZone(own) ? own : runtime.config.DEFAULT_TIME_ZONE;
}
