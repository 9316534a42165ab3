import { computed, effect, signal } from '@preact/signals';
import type { AppNotification } from '../../api/types';
import { session } from '../../session/session';

// Live notifications over `GET /api/ws`. The server keeps no read/unread state, so the last
// cursor the user has seen is kept here (per user, in localStorage) and the socket resumes
// from it: what arrives after it is unread.

const seenKey = (userId: string) => `cowatch.notifications.seen.${userId}`;
const RECONNECT_MAX_MS = 15_000;

/** Notifications after the seen cursor, oldest first (unread plus those read this session). */
export const recent = signal<AppNotification[]>([]);
const seen = signal<bigint>(0n);
/** Whether the socket is open (shown in the header for honesty about "live"). */
export const connected = signal(false);
export const unreadCount = computed(
  () => recent.value.filter((n) => BigInt(n.cursor) > seen.value).length,
);

type Listener = (notification: AppNotification) => void;
const listeners = new Set<Listener>();

/** Calls `listener` for each notification that arrives; returns the unsubscribe. */
export function onNotification(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function markAllRead(): void {
  const last = recent.value.at(-1);
  const userId = session.user.value?.id;
  if (!last || !userId) return;
  seen.value = BigInt(last.cursor);
  localStorage.setItem(seenKey(userId), last.cursor);
}

function receive(notification: AppNotification): void {
  if (recent.value.some((n) => n.id === notification.id)) return;
  recent.value = [...recent.value, notification];
  for (const listener of listeners) listener(notification);
}

function open(token: string, userId: string): () => void {
  let socket: WebSocket | undefined;
  let retryMs = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  seen.value = BigInt(localStorage.getItem(seenKey(userId)) ?? '0');
  recent.value = [];

  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(
      `${scheme}://${location.host}/api/ws?token=${encodeURIComponent(token)}`,
    );
    socket.addEventListener('open', () => {
      connected.value = true;
      retryMs = 500;
      // Everything after what this page already has (or after the seen cursor), in order.
      const after = recent.value.at(-1)?.cursor ?? seen.value.toString();
      socket?.send(JSON.stringify({ type: 'resume', after }));
    });
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as {
        type: string;
        notification?: AppNotification;
      };
      if (message.type === 'notification' && message.notification) receive(message.notification);
    });
    socket.addEventListener('close', () => {
      connected.value = false;
      if (stopped) return;
      timer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
    });
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
    connected.value = false;
  };
}

/** Keeps one socket open while someone is signed in. */
export function startLiveNotifications(): () => void {
  return effect(() => {
    const token = session.token.value;
    const userId = session.user.value?.id;
    if (!token || !userId) {
      recent.value = [];
      return;
    }
    return open(token, userId);
  });
}
