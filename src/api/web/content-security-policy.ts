/**
 * The web client's Content-Security-Policy: everything from this origin only, no inline script
 * or style, no plugins, no framing. `connect-src 'self'` covers the same-origin WebSocket
 * (CSP 3); posters may come from a metadata source over https, hence `img-src https:`.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
