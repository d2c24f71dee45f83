/**
 * The renderer's only door to EdgeTune: `window.edgetune`, one function per API channel, plus
 * `onEvent` for engine events (returns its unsubscribe function). Nothing else is exposed: not
 * ipcRenderer, not the IPC event object (its `sender` would hand the page ipcRenderer).
 *
 * CommonJS because sandboxed preloads run as plain scripts, and self-contained because they can
 * `require` only electron's own modules: the function names are repeated here, and `satisfies`
 * makes the compiler prove they are exactly the contract's.
 */
import type { ApiEvent, ApiFunction, EdgeTuneBridge } from '../api/contract.js';

interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  };
}

const { contextBridge, ipcRenderer } = require('electron') as PreloadElectron;

const IPC_CHANNEL_PREFIX = 'edgetune:';
const EVENT_CHANNEL = 'edgetune:event';

const apiFunctionNames = {
  getInfo: true,
  probe: true,
  listModels: true,
  startSweep: true,
  startTune: true,
  cancelJob: true,
  listJobs: true,
  createSchedule: true,
  startValidate: true,
  startMatch: true,
  startVittmCompare: true,
  startVittmGrid: true,
  listAlignOptions: true,
  startAlign: true,
  continueAlign: true,
  listRuns: true,
  getRun: true,
  readRunFile: true,
  deleteRun: true,
} satisfies Record<ApiFunction, true>;

const channelFunctions = Object.fromEntries(
  Object.keys(apiFunctionNames).map((name) => [name, (request: unknown) => ipcRenderer.invoke(`${IPC_CHANNEL_PREFIX}${name}`, request)]),
);

function onEvent(listener: (event: ApiEvent) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('edgetune.onEvent needs a function');
  const forward = (_event: unknown, apiEvent: unknown) => listener(apiEvent as ApiEvent);
  ipcRenderer.on(EVENT_CHANNEL, forward);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, forward);
}

const bridge = { ...channelFunctions, onEvent } as unknown as EdgeTuneBridge;
contextBridge.exposeInMainWorld('edgetune', bridge);
