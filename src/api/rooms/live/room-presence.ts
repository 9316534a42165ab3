import type { MemberPresence } from '../room-views.js';

/** What one node says about one member: ephemeral, shared over the bus, never an event. */
export interface PresenceEntry {
  readonly userId: string;
  readonly online: boolean;
  /** `unknown` until the member's first status: not waited for. */
  readonly state: 'ready' | 'buffering' | 'unknown';
  /** Wall-clock ms when the member started buffering; null unless buffering. */
  readonly bufferingSince: number | null;
  /** Whether the member has been ready once: before that, buffering is the first load. */
  readonly everReady: boolean;
  /** The member's last measured round trip (ms). */
  readonly rttMs: number;
}

/** How long a play waits for a buffering member. */
export interface WaitBudget {
  readonly bufferWaitMs: number;
  readonly firstLoadWaitMs: number;
}

/**
 * The members a play still waits for at `now`: online, buffering, and within their budget
 * (10 s, or 60 s on first load). Past it a member is watched as a spectator: the room never
 * hangs on one member (the Jellyfin SyncPlay failure), nor on a socket that died silently
 * (it goes offline).
 */
export function waitedFor(
  entries: Iterable<PresenceEntry>,
  now: number,
  budget: WaitBudget,
): string[] {
  const waited: string[] = [];
  for (const entry of entries) {
    if (!entry.online || entry.state !== 'buffering' || entry.bufferingSince === null) continue;
    const limit = entry.everReady ? budget.bufferWaitMs : budget.firstLoadWaitMs;
    if (now - entry.bufferingSince < limit) waited.push(entry.userId);
  }
  return waited;
}

/** When the next waited-for member runs out of budget (ms), if any is waited for. */
export function nextWaitExpiry(
  entries: Iterable<PresenceEntry>,
  now: number,
  budget: WaitBudget,
): number | undefined {
  let next: number | undefined;
  for (const entry of entries) {
    if (!entry.online || entry.state !== 'buffering' || entry.bufferingSince === null) continue;
    const end =
      entry.bufferingSince + (entry.everReady ? budget.bufferWaitMs : budget.firstLoadWaitMs);
    if (end > now && (next === undefined || end < next)) next = end;
  }
  return next;
}

/** Online and ready flags by user, as the room view shows them: online or ready anywhere wins. */
export function presenceView(entries: Iterable<PresenceEntry>): Map<string, MemberPresence> {
  const view = new Map<string, MemberPresence>();
  for (const entry of entries) {
    const known = view.get(entry.userId);
    view.set(entry.userId, {
      online: entry.online || (known?.online ?? false),
      ready: (entry.online && entry.state === 'ready') || (known?.ready ?? false),
    });
  }
  return view;
}

/** The round trips of the members online, for the schedule lead. */
export function onlineRoundTrips(entries: Iterable<PresenceEntry>): number[] {
  const rtts: number[] = [];
  for (const entry of entries) if (entry.online) rtts.push(entry.rttMs);
  return rtts;
}
