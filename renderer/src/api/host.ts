import { createApiClient } from '../../../electron/api/client';
import type { ApiFunction, ApiRequest, ApiResponse, ApiResult, EdgeTuneApi, EdgeTuneBridge } from '../../../electron/api/contract';
import type { Connection } from './connection';
import { resolveToken, urlWithoutToken } from './token';
import { createWebTransport } from './web-transport';

declare global {
  interface Window {
    /** exposed by the Electron preload; absent in a browser */
    edgetune?: EdgeTuneBridge;
  }
}

/** The one API object and where it comes from. */
export type Host =
  | { kind: 'ipc' | 'http'; api: EdgeTuneApi; connection: Connection }
  | { kind: 'no-token'; message: string; fix: string };

const alwaysOpen: Connection = { state: 'open', onStateChange: () => () => undefined };

/** Electron: the preload's bridge. */
export function ipcApi(bridge: EdgeTuneBridge): EdgeTuneApi {
  return createApiClient({
    call: <F extends ApiFunction>(name: F, request: ApiRequest<F>) =>
      (bridge[name] as (request: ApiRequest<F>) => Promise<ApiResult<ApiResponse<F>>>)(request),
    onEvent: (listener) => bridge.onEvent(listener),
  });
}

/** Electron when the preload exposed `window.edgetune`, else web mode with the token from the URL. */
export function connectHost(): Host {
  if (window.edgetune) return { kind: 'ipc', api: ipcApi(window.edgetune), connection: alwaysOpen };
  const token = resolveToken(window.location.search, window.sessionStorage);
  if (!token) {
    return {
      kind: 'no-token',
      message: 'This page needs the access token that `edgetune serve` printed.',
      fix: 'Open the full URL printed by `edgetune serve` (it ends in ?token=…).',
    };
  }
  window.history.replaceState(window.history.state, '', urlWithoutToken(window.location.href));
  const transport = createWebTransport({ origin: window.location.origin, token });
  return { kind: 'http', api: createApiClient(transport), connection: transport };
}
