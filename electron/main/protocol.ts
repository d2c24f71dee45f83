/**
 * The renderer is served from app://edgetune/ rather than file://: a file:// page may read any
 * local file URL and has an opaque origin, whereas app:// serves only dist/renderer and gives the
 * page one origin that CSP 'self' and the IPC sender check can name.
 */
import { readFile } from 'node:fs/promises';
import { rendererIsBuilt, rendererMissingPage, resolveRendererFile } from '../server/renderer-files.js';
import type { Protocol } from './electron-types.js';
import { APP_SCHEME, isAppUrl } from './app-origin.js';
import { CONTENT_SECURITY_POLICY } from './security.js';

/** Must run before the app is ready: a standard, secure scheme gets an origin, fetch and storage. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRendererOverAppScheme(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => rendererResponse(request.url, rendererDir));
}

export async function rendererResponse(requestUrl: string, rendererDir: string): Promise<Response> {
  const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };
  if (!isAppUrl(requestUrl)) return new Response('not found', { status: 404, headers });
  const url = new URL(requestUrl);
  if (!rendererIsBuilt(rendererDir)) {
    return new Response(rendererMissingPage(rendererDir), { status: 200, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
  }
  const found = await resolveRendererFile(rendererDir, url.pathname);
  if (!found) return new Response('not found', { status: 404, headers });
  return new Response(new Uint8Array(await readFile(found.file)), { status: 200, headers: { ...headers, 'Content-Type': found.mimeType } });
}
