import type { ServerResponse } from 'node:http';

/**
 * The page may load only its own scripts; it talks only to this server (HTTP and its WebSocket).
 * Inline styles are allowed because the renderer's charting and React style props set them;
 * inline scripts never are.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const socketOrigins = host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${socketOrigins}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function setSecurityHeaders(response: ServerResponse, host: string | undefined): void {
  response.setHeader('Content-Security-Policy', contentSecurityPolicy(host));
  response.setHeader('X-Content-Type-Options', 'nosniff');
  // The token travels in URLs: never hand it on as a referrer.
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Cache-Control', 'no-store');
}
