// Shapes of the public API (docs/api, ../API contract); only what the client reads.

export interface User {
  id: string;
  email: string;
  displayName: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// The richer catalogue fields (rating, people, poster, counts) arrive with the films search
// work; the client shows them when present.
export interface Film {
  id: string;
  title: string;
  originalTitle?: string | null;
  year: number | null;
  genres: string[];
  durationMinutes: number | null;
  description: string | null;
  rating?: number | null;
  cast?: string[];
  directors?: string[];
  posterUrl?: string | null;
  wantCount?: number;
  likeCount?: number;
  media?: { available: boolean; qualities: string[] };
}

export interface Money {
  amount: number;
  currency: string;
}

export interface Place {
  id: string;
  hostId: string;
  name: string;
  address: string | null;
  description: string | null;
  createdAt: string;
}

export interface Screening {
  id: string;
  placeId: string;
  hostId: string;
  filmId: string;
  film: { id: string; title: string };
  place: { id: string; name: string };
  startsAt: string;
  endsAt: string;
  status: 'scheduled' | 'cancelled';
  seating: 'general' | 'assigned';
  capacity: number;
  seatsAvailable: number;
  price: Money;
  version: number;
}

export type SeatStatus = 'AVAILABLE' | 'LOCKED' | 'SOLD';

export interface Seat {
  row: number;
  number: number;
}

export interface SeatMap {
  screeningId: string;
  seating: 'general' | 'assigned';
  capacity: number;
  available: number;
  seats: (Seat & { status: SeatStatus })[];
}

export type BookingStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';

export interface Booking {
  id: string;
  screeningId: string;
  userId: string;
  status: BookingStatus;
  seats: Seat[];
  quantity: number;
  amount: number;
  currency: string;
  expiresAt: string | null;
  createdAt: string;
  payment: {
    provider: string;
    paymentId: string;
    checkoutUrl?: string;
    clientSecret?: string;
  } | null;
}

export interface AppNotification {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
  cursor: string;
}

/** A user as others see them. */
export interface PublicUser {
  id: string;
  displayName: string;
}

/** An entry of /api/me/following, /followers and /friends. */
export interface Follow extends PublicUser {
  since: string;
}

/** An entry of /api/me/matches: a film the caller wants that these friends want too. */
export interface Match {
  film: Film;
  friends: PublicUser[];
}

export type PlaybackStatus = 'paused' | 'playing' | 'waiting';

/** The room's timeline: while playing, position at server time T is position + (T − at) × rate. */
export interface Playback {
  status: PlaybackStatus;
  position: number;
  rate: number;
  at: string;
  seq: number;
}

export interface RoomMember {
  userId: string;
  displayName: string;
  role: 'host' | 'member';
  online: boolean;
  ready: boolean;
}

export interface Room {
  id: string;
  filmId: string;
  film: { id: string; title: string; durationMinutes: number | null };
  hostId: string;
  status: 'open' | 'closed';
  locked: boolean;
  members: RoomMember[];
  invited: string[];
  playback: Playback;
  createdAt: string;
  closedAt: string | null;
}

export interface ChatMessage {
  id: string;
  userId: string;
  displayName: string;
  text: string;
  mediaPosition: number | null;
  sentAt: string;
}
