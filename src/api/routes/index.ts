import type { Runtime } from '../../runtime.js';
import type { TicketCodes } from '../../tickets/ticket-codes.js';
import { authRoutes } from '../auth/auth-routes.js';
import type { TokenService } from '../auth/token-service.js';
import { billingRoutes } from '../billing/billing-routes.js';
import type { CheckoutDeps } from '../billing/simulated-checkout.js';
import { webhookRoutes } from '../billing/webhook-routes.js';
import { bookingRoutes } from '../bookings/booking-routes.js';
import { filmRoutes } from '../films/film-routes.js';
import { mediaRoutes } from '../media/media-routes.js';
import { notificationRoutes } from '../notifications/notification-routes.js';
import { healthRoutes } from '../observability/health-routes.js';
import { placeRoutes } from '../places/place-routes.js';
import type { ReadModelCache } from '../plugins/read-model-cache.js';
import type { ReadModelsPosition } from '../plugins/read-models-position.js';
import type { Realtime } from '../realtime/realtime.js';
import { roomRoutes } from '../rooms/room-routes.js';
import { screeningRoutes } from '../screenings/screening-routes.js';
import { userRoutes } from '../social/user-routes.js';
import { wishlistRoutes } from '../social/wishlist-routes.js';
import { checkInRoutes } from '../tickets/check-in-routes.js';
import { ticketRoutes } from '../tickets/ticket-routes.js';
import { analyticsRoutes } from '../tracking/analytics-routes.js';
import type { GroupCommit } from '../tracking/group-commit.js';
import { trackingRoutes } from '../tracking/tracking-routes.js';
import { webRoutes } from '../web/web-routes.js';
import type { TypedApp } from './typed-app.js';

/** What every route plugin receives. */
export interface RouteDeps {
  readonly runtime: Runtime;
  readonly tokens: TokenService;
  /** The simulated billing service's webhook secret and delivery (checkout and webhook). */
  readonly billing?: Omit<CheckoutDeps, 'db' | 'commands' | 'now'>;
  /** The realtime bus and this node's socket hub, which every WebSocket route joins. */
  readonly realtime: Realtime;
  /** Signs and verifies ticket codes. */
  readonly tickets: TicketCodes;
  /** Group commit of tracking events (absent: the tracking routes are not served). */
  readonly tracking?: GroupCommit;
  /** Answers of hot read-model queries, kept while the read models stay where they are. */
  readonly readCache?: ReadModelCache;
  /** Where the read models stand: what waits for them waits here. */
  readonly readModels: ReadModelsPosition;
}

/** Registers every route of the public contract. */
export async function apiRoutes(app: TypedApp, deps: RouteDeps) {
  await app.register(healthRoutes, deps);
  await app.register(authRoutes, deps);
  await app.register(filmRoutes, deps);
  await app.register(bookingRoutes, deps);
  await app.register(placeRoutes, deps);
  await app.register(screeningRoutes, deps);
  await app.register(billingRoutes, deps);
  await app.register(webhookRoutes, deps);
  await app.register(notificationRoutes, deps);
  await app.register(checkInRoutes, deps);
  await app.register(ticketRoutes, deps);
  await app.register(userRoutes, deps);
  await app.register(wishlistRoutes, deps);
  await app.register(roomRoutes, deps);
  await app.register(mediaRoutes, deps);
  if (deps.tracking) await app.register(trackingRoutes, { ...deps, tracking: deps.tracking });
  await app.register(analyticsRoutes, deps);
  // Last: the web client's fallback serves only its own routes, after every API route.
  await app.register(webRoutes);
}
