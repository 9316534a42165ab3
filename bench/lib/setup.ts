import { randomBytes } from 'node:crypto';
import { type Api, mapLimit } from './api.js';

/** A registered user and their access token. */
export interface User {
  readonly id: string;
  readonly token: string;
}

export interface Place {
  readonly id: string;
  readonly host: User;
}

export interface Screening {
  readonly id: string;
  readonly filmId: string;
  readonly hostId: string;
  readonly placeId: string;
}

/** Everything a run sets up through the public API before its scenarios. */
export interface World {
  readonly api: Api;
  /** Viewers: their tokens are used round-robin so per-user work is realistic. */
  readonly users: readonly User[];
  readonly hosts: readonly User[];
  readonly places: readonly Place[];
  readonly filmIds: readonly string[];
}

export interface WorldOptions {
  readonly users: number;
  readonly hosts: number;
  readonly placesPerHost: number;
}

/** Paid screenings unless a scenario needs otherwise: 9.50 EUR. */
export const PRICE = { amount: 950, currency: 'EUR' } as const;

async function register(api: Api, tag: string, index: number, kind: string): Promise<User> {
  const body = await api.expect<{ user: { id: string }; accessToken: string }>(
    201,
    'POST',
    '/api/auth/register',
    {
      body: {
        email: `${kind}-${index}-${tag}@bench.invalid`,
        password: 'bench-password',
        displayName: `${kind} ${index}`,
      },
    },
  );
  return { id: body.user.id, token: body.accessToken };
}

/** Registers viewers and hosts, creates the hosts' places and reads the film catalogue. */
export async function createWorld(api: Api, options: WorldOptions): Promise<World> {
  const tag = randomBytes(4).toString('hex');
  // Registration hashes with scrypt on the server's thread pool: a few at a time is enough.
  const users = await mapLimit(range(options.users), 8, (i) => register(api, tag, i, 'viewer'));
  const hosts = await mapLimit(range(options.hosts), 8, (i) => register(api, tag, i, 'host'));
  const places = (
    await mapLimit(hosts, 8, async (host, h) =>
      mapLimit(range(options.placesPerHost), 2, async (p) => {
        const place = await api.expect<{ id: string }>(201, 'POST', '/api/places', {
          token: host.token,
          body: { name: `Bench cinema ${h}.${p}`, address: `${h} Bench street` },
        });
        return { id: place.id, host };
      }),
    )
  ).flat();
  const films = await api.expect<{ items: { id: string }[] }>(200, 'GET', '/api/films?limit=100');
  if (films.items.length === 0) throw new Error('the film catalogue is empty');
  return { api, users, hosts, places, filmIds: films.items.map((f) => f.id) };
}

/** What one screening is like: general admission with a capacity, or assigned seats. */
export type Layout =
  | { readonly capacity: number }
  | { readonly seating: { readonly rows: number; readonly seatsPerRow: number } };

let slot = 0;

/**
 * Schedules `count` screenings spread round-robin over the world's places and films, each in
 * its own future time slot.
 */
export async function createScreenings(
  world: World,
  count: number,
  layout: Layout,
  price: { readonly amount: number; readonly currency: string } = PRICE,
): Promise<Screening[]> {
  const base = Date.now() + 7 * 24 * 3_600_000;
  return mapLimit(range(count), 16, async (i) => {
    const place = world.places[i % world.places.length]!;
    const filmId = world.filmIds[i % world.filmIds.length]!;
    const startsAt = new Date(base + slot++ * 3 * 3_600_000).toISOString();
    const screening = await world.api.expect<{ id: string }>(201, 'POST', '/api/screenings', {
      token: place.host.token,
      body: { placeId: place.id, filmId, startsAt, price, ...layout },
    });
    return { id: screening.id, filmId, hostId: place.host.id, placeId: place.id };
  });
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A uniformly random element. */
export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}
