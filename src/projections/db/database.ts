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
}

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  display_name: string;
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

/** Webhook events already handled, so a redelivery runs nothing twice. */
export interface ProcessedWebhooksTable {
  provider: string;
  event_id: string;
  processed_at: Generated<Timestamp>;
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

/** Every read-model table, as Kysely sees it. */
export interface Database {
  films: FilmsTable;
  users: UsersTable;
  places: PlacesTable;
  screenings: ScreeningsTable;
  bookings: BookingsTable;
  seat_claims: SeatClaimsTable;
  notifications: NotificationsTable;
  simulated_payments: SimulatedPaymentsTable;
  processed_webhooks: ProcessedWebhooksTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  idempotency_keys: IdempotencyKeysTable;
  mail_outbox: MailOutboxTable;
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
