import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { createRealtimeBus, type RealtimeBus } from './realtime-bus.js';
import { SocketHub } from './socket-hub.js';

/** An app's live delivery: the bus every node shares and this node's one socket hub. */
export interface Realtime {
  readonly bus: RealtimeBus;
  readonly sockets: SocketHub;
}

/** The bus the config names (Redis or in-process) and a hub pinging every WS_PING_MS. */
export function createRealtime(
  config: Pick<Config, 'REDIS_URL' | 'WS_PING_MS'>,
  log: FastifyBaseLogger,
): Realtime {
  const bus = createRealtimeBus(config, log);
  return { bus, sockets: new SocketHub(bus, config.WS_PING_MS) };
}
