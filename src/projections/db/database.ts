import type {
  ColumnType,
  Generated,
  Insertable,
  Kysely,
  Selectable,
  Transaction,
  Updateable,
} from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb columns: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export interface FilmsTable {
  id: string;
  title: string;
  year: number;
  genres: string[];
  duration_minutes: number;
  description: string;
  original_title: Generated<string>;
  /** numeric(3,1): read back as a decimal string. */
  rating: ColumnType<string | null, number | null | undefined, number | null>;
  cast_names: Generated<string[]>;
  directors: Generated<string[]>;
  poster_url: string | null;
  media_qualities: Generated<string[]>;
  want_count: Generated<number>;
  like_count: Generated<number>;
  /** Where the film came from: `catalogue` or `tmdb` (with the source's id). */
  source: Generated<string>;
  source_id: string | null;
  added_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  /** Written by the film writer only (weighted tsvector). */
  search: Generated<string>;
  people: Generated<string>;
}

/** Words of the films' search documents, for typo correction by trigram similarity. */
export interface FilmWordsTable {
  word: string;
}

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  display_name: string;
  /** `user`, or `admin` (granted by `cowatch users grant-admin`): may read analytics. */
  role: Generated<string>;
  created_at: Generated<Timestamp>;
}

export interface PlacesTable {
  id: string;
  host_id: string;
  name: string;
  address: string | null;
  description: string | null;
  time_zone: string | null;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface ScreeningsTable {
  id: string;
  place_id: string;
  host_id: string;
  film_id: string;
  film_title: string;
  place_name: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  status: 'scheduled' | 'cancelled';
  seating: 'general' | 'assigned';
  capacity: number;
  seat_rows: number | null;
  seats_per_row: number | null;
  seats_available: number;
  price_amount: number;
  price_currency: string;
  /** Stream revision: the screening's version for ETag / If-Match. */
  version: number;
}

export interface BookingsTable {
  id: string;
  screening_id: string;
  user_id: string;
  host_id: string;
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';
  seats: Json<{ row: number; number: number }[]>;
  quantity: number;
  amount: number;
  currency: string;
  expires_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  payment: Json<Record<string, unknown> | null> | null;
}

/** Seats held or sold; every other seat of the plan is available. */
export interface SeatClaimsTable {
  screening_id: string;
  seat_row: number;
  seat_number: number;
  booking_id: string;
  status: 'LOCKED' | 'SOLD';
}

/** The notifications inbox; `cursor` (a bigint identity) orders a user's notifications. */
export interface NotificationsTable {
  cursor: ColumnType<string, never, never>;
  id: string;
  user_id: string;
  type: string;
  data: Json<Record<string, unknown>>;
  created_at: Timestamp;
  source_event_id: string;
}

/** Payments of the simulated billing service (BILLING=simulated). */
export interface SimulatedPaymentsTable {
  id: string;
  booking_id: string;
  screening_id: string;
  amount: number;
  currency: string;
  status: 'open' | 'succeeded' | 'failed' | 'refunded';
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A simulated billing webhook to deliver until acknowledged, written with the payment's outcome. */
export interface BillingWebhookOutboxTable {
  event_id: string;
  payment_id: string;
  /** The exact JSON body: the signature covers these bytes. */
  payload: string;
  request_id: string;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string, Date | string>;
  delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** X-Position of the delivery's answer: where its effects are readable. */
  position: string | null;
  created_at: Generated<Timestamp>;
}

/** Webhook events already handled, so a redelivery runs nothing twice. */
export interface ProcessedWebhooksTable {
  provider: string;
  event_id: string;
  /** When processing began (the claim). */
  processed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Null while a delivery is processing it; set once its command ran. */
  completed_at: Timestamp | null;
}

/** An event a projection could not apply: the projection is stuck there until a rebuild. */
export interface ProjectionFailuresTable {
  projector: string;
  projection: string;
  position: string;
  event_id: string;
  event_type: string;
  error: string;
  failed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Mail to send, one row per event that warrants one (see the mail reactor and sender). */
export interface MailOutboxTable {
  event_id: string;
  kind: string;
  recipient: string;
  message: Json<MailMessage>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_error: string | null;
  sent_at: Timestamp | null;
  failed_at: Timestamp | null;
}

/** A rendered mail as the outbox keeps it (attachments base64-encoded). */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments: readonly {
    readonly filename: string;
    readonly contentType: string;
    readonly contentBase64: string;
    /** Set for images the HTML part shows inline (`cid:`). */
    readonly cid?: string;
  }[];
}

export interface ProjectionCheckpointsTable {
  name: string;
  position: string | null;
  updated_at: Timestamp;
}

export interface IdempotencyKeysTable {
  key: string;
  user_scope: string;
  request_hash: string;
  status: 'in_flight' | 'done';
  response_status: number | null;
  response_headers: Json<Record<string, string>> | null;
  response_body: Json<unknown> | null;
  created_at: Generated<Timestamp>;
}

/** Who follows whom (one row per edge) since when. */
export interface FollowsTable {
  follower_id: string;
  followee_id: string;
  since: Timestamp;
}

/** Mutual follows, both ways: `friend_id` is a friend of `user_id` since the later follow. */
export interface FriendsTable {
  user_id: string;
  friend_id: string;
  since: Timestamp;
}

/**
 * One row per wish: how many of the wisher's friends want that film too (0 included), kept by
 * the social projection so that matches take their page from an index instead of counting.
 */
export interface FriendWantsTable {
  user_id: string;
  film_id: string;
  friends: number;
}

/** Each user's follower and following counts (the public profile). */
export interface FollowCountsTable {
  user_id: string;
  followers: Generated<number>;
  following: Generated<number>;
}

/** A film on a user's wishlist or among their likes. */
export interface FilmListTable {
  user_id: string;
  film_id: string;
  added_at: Timestamp;
}

/** Every read-model table, as Kysely sees it. */
export interface Database {
  films: FilmsTable;
  film_words: FilmWordsTable;
  follows: FollowsTable;
  follow_counts: FollowCountsTable;
  friends: FriendsTable;
  friend_wants: FriendWantsTable;
  wishes: FilmListTable;
  likes: FilmListTable;
  users: UsersTable;
  places: PlacesTable;
  screenings: ScreeningsTable;
  bookings: BookingsTable;
  seat_claims: SeatClaimsTable;
  notifications: NotificationsTable;
  simulated_payments: SimulatedPaymentsTable;
  billing_webhook_outbox: BillingWebhookOutboxTable;
  processed_webhooks: ProcessedWebhooksTable;
  projection_failures: ProjectionFailuresTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  idempotency_keys: IdempotencyKeysTable;
  mail_outbox: MailOutboxTable;
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  room_invites: RoomInvitesTable;
  room_messages: RoomMessagesTable;
  room_presence: RoomPresenceTable;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export type FilmRow = Selectable<FilmsTable>;
export type UserRow = Selectable<UsersTable>;
export type PlaceRow = Selectable<PlacesTable>;
export type NewPlaceRow = Insertable<PlacesTable>;
export type ScreeningRow = Selectable<ScreeningsTable>;
export type NewScreeningRow = Insertable<ScreeningsTable>;
export type ScreeningUpdate = Updateable<ScreeningsTable>;
export type BookingRow = Selectable<BookingsTable>;
export type NewBookingRow = Insertable<BookingsTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type NewNotificationRow = Insertable<NotificationsTable>;

export interface RoomsTable {
  id: string;
  film_id: string;
  host_id: string;
  status: 'open' | 'closed';
  locked: boolean;
  duration_seconds: number;
  /** The timeline as events record it (`at` ISO). */
  playback: ColumnType<PlaybackJson, string, string>;
  ends_at: Timestamp | null;
  created_at: Timestamp;
  closed_at: Timestamp | null;
}

/** A room's timeline as stored in `rooms.playback`. */
export interface PlaybackJson {
  status: 'paused' | 'playing' | 'waiting';
  position: number;
  at: string;
  rate: number;
  seq: number;
}

export interface RoomMembersTable {
  room_id: string;
  user_id: string;
  role: 'host' | 'member';
  joined_at: Timestamp;
}

export interface RoomInvitesTable {
  room_id: string;
  user_id: string;
  invited_at: Timestamp;
}

export interface RoomMessagesTable {
  id: string;
  room_id: string;
  user_id: string;
  text: string;
  media_position: number;
  sent_at: Timestamp;
}

export interface RoomPresenceTable {
  room_id: string;
  last_online_at: Timestamp;
}
