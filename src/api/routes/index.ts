import type { Runtime } from '../../runtime.js';
import type { TokenService } from '../auth/token-service.js';
import { authRoutes } from './auth-routes.js';
import { bookingRoutes } from './booking-routes.js';
import { filmRoutes } from './film-routes.js';
import { healthRoutes } from './health-routes.js';
import { placeRoutes } from './place-routes.js';
import { screeningRoutes } from './screening-routes.js';
import type { TypedApp } from './typed-app.js';

/** What every route plugin receives. */
export interface RouteDeps {
  readonly runtime: Runtime;
  readonly tokens: TokenService;
}

/** Registers every route of the public contract. */
export async function apiRoutes(app: TypedApp, deps: RouteDeps) {
  await app.register(healthRoutes, deps);
  await app.register(authRoutes, deps);
  await app.register(filmRoutes, deps);
  await app.register(bookingRoutes, deps);
  await app.register(placeRoutes, deps);
  await app.register(screeningRoutes, deps);
}
