/**
 * Web mode: the API over HTTP + WebSocket and the built renderer, behind one random token.
 * This is how a headless edge box is driven from a laptop's browser.
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserError } from '../engine/errors.js';
import { HTTP_API_PREFIX, HTTP_EVENTS_PATH, TOKEN_QUERY_PARAMETER } from '../api/contract.js';
import type { EngineHost } from '../api/host/engine-host.js';
import { handleApiCall, sendResult } from './api-routes.js';
import { checkToken, newToken, tokenCookieName } from './auth.js';
import { EventSocket, refuseUpgrade } from './event-socket.js';
import { rendererIsBuilt, rendererMissingPage, resolveRendererFile } from './renderer-files.js';
import { setSecurityHeaders } from './security-headers.js';

export interface WebServerOptions {
  engine: EngineHost;
  rendererDir: string;
  host?: string;
  /** 0 picks a free port */
  port?: number;
  token?: string;
}

export interface WebServer {
  /** the page's address, token included */
  url: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.includes(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const events = new EventSocket();
  const unsubscribe = options.engine.onEvent((event) => events.broadcast(event));
  let port = 0;

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendResult(response, 500, { ok: false, error: { code: 'internal', message: `unexpected error: ${(error as Error).message}` } });
      else response.destroy();
    });
  });

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://edgetune.invalid');
    setSecurityHeaders(response, request.headers.host);
    const access = checkToken(request, url, token, port);
    if (url.pathname.startsWith(HTTP_API_PREFIX)) {
      if (!access.explicit) return sendResult(response, 401, { ok: false, error: unauthorized() });
      return handleApiCall(url.pathname.slice(HTTP_API_PREFIX.length), request, response, options.engine);
    }
    if (!access.explicit && !access.cookie) {
      response.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`${unauthorized().message}\n${unauthorized().fix}\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' });
      response.end();
      return;
    }
    if (access.explicit) {
      // The page drops ?token= from its address; this cookie lets a reload fetch the page again.
      response.setHeader('Set-Cookie', `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    return serveRendererFile(url.pathname, request, response);
  }

  async function serveRendererFile(pathname: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!rendererIsBuilt(options.rendererDir)) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(request.method === 'HEAD' ? undefined : rendererMissingPage(options.rendererDir));
      return;
    }
    const found = await resolveRendererFile(options.rendererDir, pathname);
    if (!found) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('not found\n');
      return;
    }
    response.writeHead(200, { 'Content-Type': found.mimeType });
    if (request.method === 'HEAD') return void response.end();
    createReadStream(found.file).on('error', () => response.destroy()).pipe(response);
  }

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://edgetune.invalid');
    if (url.pathname !== HTTP_EVENTS_PATH) return refuseUpgrade(socket, 404, 'no WebSocket here; events are at /api/events\n');
    if (!checkToken(request, url, token, port).explicit) return refuseUpgrade(socket, 401, `${unauthorized().message}\n`);
    events.accept(request, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new UserError('port-in-use', `port ${options.port} on ${host} is already in use`, 'pass --port with another port, or --port 0 for any free one'));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new UserError('bad-host', `cannot listen on ${host}: no such address on this machine`, 'pass --host 127.0.0.1 (and use an SSH tunnel), or an address this machine has'));
      else reject(error);
    });
    server.listen(options.port ?? 0, host, resolve);
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/?${TOKEN_QUERY_PARAMETER}=${token}`,
    host,
    port,
    token,
    close: async () => {
      unsubscribe();
      events.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function unauthorized() {
  return {
    code: 'unauthorized',
    message: 'this EdgeTune server needs its access token',
    fix: 'open the URL `edgetune serve` printed (it carries ?token=…), or send the header "Authorization: Bearer <token>"',
  };
}
