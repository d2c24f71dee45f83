/**
 * One `ipcMain.handle` per API function. Each call is checked twice before the engine sees it: the
 * sender must be our own page, and the payload must match the function's request schema.
 */
import { API_FUNCTIONS, EVENT_CHANNEL, ipcChannel, type ApiEvent, type ApiResult } from '../api/contract.js';
import { validateCall } from '../api/validate.js';
import type { BrowserWindowConstructor, IpcMain } from './electron-types.js';
import { isTrustedSender } from './security.js';

export interface ApiBackend {
  call(name: string, payload: unknown): Promise<ApiResult<unknown>>;
}

export function registerApiHandlers(ipcMain: IpcMain, backend: ApiBackend): void {
  for (const name of API_FUNCTIONS) {
    ipcMain.handle(ipcChannel(name), async (event, payload): Promise<ApiResult<unknown>> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'forbidden', message: `${name} refused: the request did not come from EdgeTune's own page (${event.senderFrame?.url ?? 'unknown frame'})` } };
      }
      const validated = validateCall(name, payload);
      if (!validated.ok) return validated;
      return backend.call(name, validated.request);
    });
  }
}

/** Engine events go to every open window; the preload hands them to the page's listeners. */
export function forwardEventsToWindows(BrowserWindow: BrowserWindowConstructor): (event: ApiEvent) => void {
  return (event) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
    }
  };
}
