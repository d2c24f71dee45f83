import {
  HTTP_API_PREFIX,
  HTTP_EVENTS_PATH,
  TOKEN_QUERY_PARAMETER,
  apiEventSchema,
  type ApiEvent,
  type ApiFunction,
  type ApiRequest,
  type ApiResponse,
  type ApiResult,
  type Unsubscribe,
} from '../../../electron/api/contract';
import type { ApiTransport } from '../../../electron/api/client';
import type { Connection, ConnectionState } from './connection';

export interface WebTransportOptions {
  /** where `edgetune serve` answers, e.g. http://127.0.0.1:4321 */
  origin: string;
  token: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** first and longest wait before reconnecting the event socket */
  reconnectMs?: { first: number; max: number };
}

const SERVE_FIX = 'Check that `edgetune serve` is still running, then open the URL it printed (it carries the token).';

/**
 * Web mode: each API function is `POST /api/<name>` with the token as a bearer header; events come
 * over one WebSocket, opened while anyone listens and reopened with backoff when it drops.
 */
export function createWebTransport(options: WebTransportOptions): ApiTransport & Connection {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const backoff = options.reconnectMs ?? { first: 500, max: 5_000 };
  const listeners = new Set<(event: ApiEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let waitMs = backoff.first;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  async function call<F extends ApiFunction>(name: F, request: ApiRequest<F>): Promise<ApiResult<ApiResponse<F>>> {
    let response: Response;
    try {
      response = await fetchImpl(`${options.origin}${HTTP_API_PREFIX}${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify(request ?? {}),
      });
    } catch (error) {
      return { ok: false, error: { code: 'unreachable', message: `the EdgeTune server did not answer (${error instanceof Error ? error.message : String(error)})`, fix: SERVE_FIX } };
    }
    const body = await response.json().catch(() => undefined);
    if (body && typeof body === 'object' && 'ok' in body) {
      const result = body as ApiResult<ApiResponse<F>>;
      if (!result.ok && response.status === 401) return { ok: false, error: { ...result.error, fix: result.error.fix ?? SERVE_FIX } };
      return result;
    }
    return {
      ok: false,
      error: {
        code: response.status === 401 ? 'unauthorized' : 'bad-response',
        message: response.status === 401 ? 'the server refused the access token' : `the server answered ${response.status} ${response.statusText} without an EdgeTune result`,
        fix: SERVE_FIX,
      },
    };
  }

  function open(): void {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    const url = new URL(HTTP_EVENTS_PATH, options.origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // A browser WebSocket cannot send headers: the token travels in the query, as the contract says.
    url.searchParams.set(TOKEN_QUERY_PARAMETER, options.token);
    const opened = new Socket(url.toString());
    socket = opened;
    opened.onopen = () => {
      waitMs = backoff.first;
      setState('open');
    };
    opened.onmessage = (message) => {
      let parsed;
      try {
        parsed = apiEventSchema.safeParse(JSON.parse(String(message.data)));
      } catch {
        return;
      }
      if (!parsed.success) return;
      for (const listener of listeners) listener(parsed.data);
    };
    opened.onclose = () => {
      if (socket !== opened) return;
      socket = undefined;
      if (listeners.size === 0) return;
      setState('reconnecting');
      retryTimer = setTimeout(open, waitMs);
      waitMs = Math.min(backoff.max, waitMs * 2);
    };
  }

  function close(): void {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    const closing = socket;
    socket = undefined;
    closing?.close();
  }

  return {
    call,
    onEvent(listener): Unsubscribe {
      listeners.add(listener);
      if (!socket && retryTimer === undefined) open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) close();
      };
    },
    get state() {
      return state;
    },
    onStateChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}
