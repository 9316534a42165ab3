/**
 * First path segments of the web client's screens (web/src/app.tsx). Only these fall back to
 * the client's index.html; anything else unknown stays a 404 problem, so a mistyped `/api/…`,
 * `/health`, `/metrics`, `/docs` or `/media` URL never answers with an HTML page.
 */
export const CLIENT_ROUTE_SEGMENTS = [
  'login',
  'films',
  'screenings',
  'checkout',
  'bookings',
  'places',
  'notifications',
  'friends',
  'rooms',
] as const;

/** Paths the client never owns, whatever is added to the list above. */
export const RESERVED_PREFIXES = [
  '/api',
  '/health',
  '/metrics',
  '/docs',
  '/openapi.json',
  '/media',
];
