import { sql } from 'kysely';
import type { Db, NotificationRow } from '../../db/database.js';

/** What a notification is about; each goes to one user (see the API contract). */
export const NOTIFICATION_TYPES = [
  'booking.created',
  'booking.confirmed',
  'booking.cancelled',
  'booking.expired',
  'booking.refunded',
  'screening.cancelled',
  'user.followed',
  'room.invited',
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** One inbox entry as the API and the WebSocket send it. */
export interface NotificationItem {
  readonly id: string;
  readonly type: NotificationType;
  readonly createdAt: string;
  readonly data: Record<string, unknown>;
  /** The bigint inbox position as a decimal string; later notifications have larger cursors. */
  readonly cursor: string;
}

/** An inbox entry with its recipient, as the notifier fans it out. */
export interface Notification extends NotificationItem {
  readonly userId: string;
}

/** The columns every notification read selects, with the cursor as text (bigint-safe). */
export const notificationColumns = [
  sql<string>`cursor::text`.as('cursor'),
  'id',
  'user_id',
  'type',
  'data',
  'created_at',
] as const;

type SelectedRow = Pick<NotificationRow, 'id' | 'user_id' | 'type' | 'data' | 'created_at'> & {
  cursor: string;
};

/** Maps a selected `notifications` row to its fan-out shape. */
export function toNotification(row: SelectedRow): Notification {
  return {
    id: row.id,
    userId: row.user_id,
    // Only the projection writes this column, with a NotificationType.
    type: row.type as NotificationType,
    createdAt: new Date(row.created_at).toISOString(),
    data: row.data,
    cursor: row.cursor,
  };
}

/** The API shape of a notification: its recipient is implied. */
export function toItem({ userId: _, ...item }: Notification): NotificationItem {
  return item;
}

export interface InboxQuery {
  readonly userId: string;
  /** Only notifications after this cursor (exclusive); all when undefined. */
  readonly after?: string | undefined;
  readonly limit: number;
}

/** Up to `limit` of a user's notifications after a cursor, oldest first. */
export async function readInbox(db: Db, query: InboxQuery): Promise<Notification[]> {
  let select = db
    .selectFrom('notifications')
    .select(notificationColumns)
    .where('user_id', '=', query.userId);
  if (query.after !== undefined) {
    select = select.where(sql<boolean>`notifications.cursor > ${query.after}::bigint`);
  }
  // Qualified: a bare `cursor` in ORDER BY is the selected text, which sorts "10" before "8".
  const rows = await select.orderBy('notifications.cursor').limit(query.limit).execute();
  return rows.map(toNotification);
}

/** The caller's inbox page: `nextCursor` is the last item's cursor while more remain. */
export async function listNotifications(
  db: Db,
  query: InboxQuery,
): Promise<{ items: NotificationItem[]; nextCursor: string | null }> {
  const rows = await readInbox(db, { ...query, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > query.limit && last ? last.cursor : null,
  };
}
