import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_QUERY_PARAMETER } from '../api/contract.js';

/** 256 random bits, URL-safe: printed in the URL, so it must survive copy and paste. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Cookies ignore ports: two servers on one host must not read each other's. */
export function tokenCookieName(port: number): string {
  return `edgetune_token_${port}`;
}

export interface TokenCheck {
  /** `Authorization: Bearer`, `X-EdgeTune-Token` or `?token=`: authorizes everything */
  explicit: boolean;
  /** the cookie set with the page: authorizes the page's own static files only (a reload has no ?token=) */
  cookie: boolean;
}

export function checkToken(request: IncomingMessage, url: URL, token: string, port: number): TokenCheck {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const header = request.headers['x-edgetune-token'];
  const explicit = [bearer, typeof header === 'string' ? header : undefined, url.searchParams.get(TOKEN_QUERY_PARAMETER) ?? undefined].some(
    (candidate) => candidate !== undefined && sameToken(candidate, token),
  );
  const fromCookie = cookieValue(request.headers.cookie, tokenCookieName(port));
  return { explicit, cookie: fromCookie !== undefined && sameToken(fromCookie, token) };
}

/** Constant-time comparison (hashed first so that lengths do not leak either). */
function sameToken(candidate: string, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(candidate), digest(token));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
