import type WebSocket from 'ws';
import { mapLimit, sleep } from '../lib/api.js';
import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { createScreenings } from '../lib/setup.js';
import { closeAll, openSocket } from '../lib/sockets.js';
import { percentile } from '../lib/stats.js';

const USERS = 200;
const QUICK_USERS = 50;
const CHECKOUT_CONCURRENCY = 10;
const WAIT_MS = 10_000;

interface Booking {
  readonly id: string;
  readonly payment: { readonly checkoutUrl?: string | null } | null;
}

/** The booking's checkout URL: in the hold's response, or (billing slower than ~3 s) later. */
async function checkoutUrl(ctx: RunContext, token: string, booking: Booking): Promise<string> {
  let url = booking.payment?.checkoutUrl;
  const deadline = Date.now() + WAIT_MS;
  while (!url && Date.now() < deadline) {
    await sleep(100);
    const current = await ctx.api.request<Booking>('GET', `/api/bookings/${booking.id}`, { token });
    url = current.status === 200 ? current.body.payment?.checkoutUrl : undefined;
  }
  if (!url) throw new Error(`booking ${booking.id} never got a checkout URL`);
  // The simulated service answers a path on the API; keep only the path of an absolute URL.
  return url.startsWith('http') ? new URL(url).pathname : url;
}

/**
 * 200 viewers (quick: 50) each with a notification WebSocket open, each holding one seat on a
 * paid screening. Then, 10 at a time, each completes the simulated checkout
 * (`POST payment.checkoutUrl { outcome: 'succeeded' }`): latency = from sending that POST to
 * receiving the `booking.confirmed` message for that booking on the WebSocket (the path is
 * checkout → signed webhook → BookingConfirmed → projector → inbox → Redis → socket). p95.
 */
export async function notifications(ctx: RunContext): Promise<Measurement> {
  const users = ctx.world.users.slice(0, ctx.quick ? QUICK_USERS : USERS);
  const [screening] = await createScreenings(ctx.world, 1, { capacity: 10_000 });
  const waiters = new Map<string, () => void>();
  const sockets: WebSocket[] = [];
  try {
    for (const socket of await mapLimit(users, 50, (u) => openSocket(ctx.server.url, u.token))) {
      sockets.push(socket);
      socket.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as {
          type?: string;
          notification?: { type?: string; data?: { bookingId?: string } };
        };
        const bookingId = message.notification?.data?.bookingId;
        if (message.type === 'notification' && message.notification?.type === 'booking.confirmed') {
          if (bookingId) waiters.get(bookingId)?.();
        }
      });
    }
    const held = await mapLimit(users, 16, async (user) => {
      const booking = await ctx.api.expect<Booking>(201, 'POST', '/api/bookings', {
        token: user.token,
        body: { screeningId: screening!.id, quantity: 1 },
      });
      return { booking, token: user.token, url: await checkoutUrl(ctx, user.token, booking) };
    });
    await ctx.api.settle();
    const latencies: number[] = [];
    let missed = 0;
    await mapLimit(held, CHECKOUT_CONCURRENCY, async ({ booking, token, url }) => {
      let timer: NodeJS.Timeout | undefined;
      const received = new Promise<boolean>((resolve) => {
        waiters.set(booking.id, () => resolve(true));
        timer = setTimeout(() => resolve(false), WAIT_MS);
      });
      const started = performance.now();
      // Only the booking's owner may pay it.
      const response = await ctx.api.request('POST', url, {
        token,
        body: { outcome: 'succeeded' },
      });
      if (response.status !== 200) throw new Error(`checkout answered ${response.status}`);
      const ok = await received;
      clearTimeout(timer);
      waiters.delete(booking.id);
      if (ok) latencies.push(performance.now() - started);
      else missed += 1;
    });
    return {
      figure: 'notifications',
      metrics: {
        p95: percentile(latencies, 95),
        delivered: latencies.length,
        expected: users.length,
      },
      notes: [
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ` +
          `max ${Math.max(...latencies).toFixed(1)} ms; ${missed} not delivered within ${WAIT_MS / 1000} s`,
      ],
    };
  } finally {
    await closeAll(sockets);
  }
}
