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

/** The time zone a place's times are shown in: the deployment's (places carry none yet). */
export async function placeTimeZone(runtime: Runtime, _placeId: string): Promise<string> {
  return runtime.config.DEFAULT_TIME_ZONE;
}
