import WebSocket from 'ws';
import { mapLimit, sleep } from '../lib/api.js';
import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import type { User } from '../lib/setup.js';
import { closeAll } from '../lib/sockets.js';
import { percentile } from '../lib/stats.js';

const ROOMS = 100;
const PER_ROOM = 10;
const CROWD = 1_000;
const CONTROLS = 5;
const DELIVERY_TIMEOUT_MS = 10_000;

/** One room socket of the bench: resolves once its snapshot came, reports each playback seq. */
function openRoomSocket(
  baseUrl: string,
  roomId: string,
  token: string,
  onPlayback: (seq: number, at: number) => void,
): Promise<WebSocket> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/rooms/${roomId}/ws?token=${encodeURIComponent(token)}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    socket.once('error', reject);
    socket.on('message', (raw) => {
      const at = performance.now();
      const message = JSON.parse(String(raw)) as { type: string; playback?: { seq: number } };
      if (message.type === 'snapshot') {
        socket.removeAllListeners('error');
        socket.on('error', () => undefined);
        resolve(socket);
      } else if (message.type === 'playback' && message.playback)
        onPlayback(message.playback.seq, at);
    });
  });
}

interface Room {
  readonly id: string;
  readonly host: User;
  readonly members: readonly User[];
}

async function openRoom(ctx: RunContext, host: User, members: readonly User[]): Promise<Room> {
  const invite = [...new Set(members.map((m) => m.id))].filter((id) => id !== host.id);
  const filmId = ctx.world.filmIds[0];
  const room = await ctx.api.expect<{ id: string }>(201, 'POST', '/api/rooms', {
    token: host.token,
    body: { filmId },
  });
  for (let i = 0; i < invite.length; i += 100) {
    const userIds = invite.slice(i, i + 100);
    await ctx.api.expect(200, 'POST', `/api/rooms/${room.id}/invite`, {
      token: host.token,
      body: { userIds },
    });
  }
  return { id: room.id, host, members };
}

/**
 * Control-to-delivery latency: each room's host socket sends `CONTROLS` seeks one after the
 * other; the time from sending a control to each member socket receiving its `playback` is one
 * sample. Returns the samples and how many deliveries never came.
 */
async function measure(
  ctx: RunContext,
  rooms: readonly Room[],
): Promise<{ samples: number[]; missing: number; sockets: number }> {
  const sent = new Map<string, number>();
  const samples: number[] = [];
  const sockets: WebSocket[] = [];
  const hostSockets = new Map<string, WebSocket>();
  try {
    const plan = rooms.flatMap((room) => [
      { room, user: room.host, isHost: true },
      ...room.members.map((user) => ({ room, user, isHost: false })),
    ]);
    await mapLimit(plan, 100, async ({ room, user, isHost }) => {
      const socket = await openRoomSocket(ctx.server.url, room.id, user.token, (seq, at) => {
        const start = sent.get(`${room.id}:${seq}`);
        if (start !== undefined && !isHost) samples.push(at - start);
      });
      sockets.push(socket);
      if (isHost) hostSockets.set(room.id, socket);
    });
    const receivers = plan.filter((p) => !p.isHost).length;
    for (let k = 1; k <= CONTROLS; k++) {
      const expected = samples.length + receivers;
      for (const room of rooms) {
        sent.set(`${room.id}:${k}`, performance.now());
        hostSockets
          .get(room.id)
          ?.send(
            JSON.stringify({
              type: 'control',
              action: 'seek',
              position: k * 10,
              requestId: `bench-${k}`,
            }),
          );
      }
      const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
      while (samples.length < expected && Date.now() < deadline) await sleep(20);
    }
    return { samples, missing: receivers * CONTROLS - samples.length, sockets: sockets.length };
  } finally {
    await closeAll(sockets);
  }
}

/**
 * Watch-together rooms: 100 rooms × 10 members (viewers reused across rooms), then one room of
 * 1,000 member sockets (viewers round-robin, so several sockets per viewer). Figures: p95 of
 * control-to-delivery in each, and deliveries missing after 10 s.
 */
export async function rooms(ctx: RunContext): Promise<Measurement> {
  const users = ctx.world.users;
  const many = await mapLimit(
    Array.from({ length: ROOMS }, (_, i) => i),
    10,
    (i) => {
      const host = users[i % users.length] as User;
      const members = Array.from(
        { length: PER_ROOM - 1 },
        (_, j) => users[(i * PER_ROOM + j + 1) % users.length] as User,
      );
      return openRoom(ctx, host, members);
    },
  );
  const spread = await measure(ctx, many);
  const host = users[0] as User;
  const crowdMembers = Array.from(
    { length: CROWD },
    (_, i) => users[(i + 1) % users.length] as User,
  );
  const crowdRoom = await openRoom(ctx, host, crowdMembers);
  const crowd = await measure(ctx, [crowdRoom]);
  return {
    figure: 'rooms',
    metrics: {
      p95: percentile(spread.samples, 95),
      missing: spread.missing,
      crowdP95: percentile(crowd.samples, 95),
      crowdMissing: crowd.missing,
    },
    notes: [
      `${ROOMS} rooms × ${PER_ROOM}: ${spread.sockets} sockets, ${spread.samples.length} deliveries, p50 ${percentile(spread.samples, 50).toFixed(1)} ms`,
      `1 room × ${CROWD}: ${crowd.sockets} sockets, ${crowd.samples.length} deliveries, p50 ${percentile(crowd.samples, 50).toFixed(1)} ms`,
    ],
  };
}
