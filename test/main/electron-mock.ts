/**
 * A stand-in for the `electron` module (Fiddle-style: one fake, used by every main and preload
 * test). Main-process tests install it with
 *   vi.mock('electron', async () => (await import('./electron-mock.js')).fakeElectron)
 * and the preload test hands it to the preload's `require`. It records what the app asked of
 * Electron and lets a test play the other side (an IPC call, a dying utility process).
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Listener = (...args: any[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

export class FakeWebContents extends Emitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly send = vi.fn();
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends Emitter {
  static readonly all: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all;
  }
  readonly webContents = new FakeWebContents();
  readonly loadURL = vi.fn(async (_url: string) => undefined);
  readonly show = vi.fn();
  constructor(readonly options: Record<string, any>) {
    super();
    FakeBrowserWindow.all.push(this);
    fakeElectron.app.emit('web-contents-created', {}, this.webContents);
  }
  isDestroyed(): boolean {
    return false;
  }
}

/** Plays the engine: answers every call with `respond(name, payload)` unless a test says otherwise. */
export class FakeUtilityProcess extends EventEmitter {
  readonly posted: any[] = [];
  respond: ((name: string, payload: unknown) => unknown) | undefined = (name) => ({ ok: true, value: { answeredBy: 'fake engine', name } });
  constructor(readonly modulePath: string, readonly options: Record<string, any> | undefined) {
    super();
  }
  postMessage(message: any): void {
    this.posted.push(message);
    if (message.type === 'call' && this.respond) {
      const result = this.respond(message.name, message.payload);
      setImmediate(() => this.emit('message', { type: 'result', id: message.id, result }));
    }
    if (message.type === 'shutdown') setImmediate(() => this.emit('exit', 0));
  }
  readonly kill = vi.fn(() => {
    this.emit('exit', 9);
    return true;
  });
  calls(): string[] {
    return this.posted.filter((message) => message.type === 'call').map((message) => message.name);
  }
}

const ipcHandlers = new Map<string, Listener>();
const forks: FakeUtilityProcess[] = [];
const app = Object.assign(new Emitter(), {
  whenReady: vi.fn(async () => undefined),
  quit: vi.fn(),
  getVersion: () => '0.1.0-test',
});

const webRequestListeners: Listener[] = [];
const defaultSession = {
  webRequest: { onHeadersReceived: vi.fn((listener: Listener) => webRequestListeners.push(listener)) },
  setPermissionRequestHandler: vi.fn(),
  setPermissionCheckHandler: vi.fn(),
};

const protocolHandlers = new Map<string, Listener>();

const rendererListeners = new Map<string, Listener[]>();

export const fakeElectron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  ipcMain: {
    handle: vi.fn((channel: string, listener: Listener) => ipcHandlers.set(channel, listener)),
    removeHandler: vi.fn((channel: string) => ipcHandlers.delete(channel)),
  },
  protocol: {
    registerSchemesAsPrivileged: vi.fn(),
    handle: vi.fn((scheme: string, handler: Listener) => protocolHandlers.set(scheme, handler)),
  },
  session: { defaultSession },
  utilityProcess: {
    fork: vi.fn((modulePath: string, _args?: string[], options?: Record<string, any>) => {
      const child = new FakeUtilityProcess(modulePath, options);
      forks.push(child);
      return child;
    }),
  },
  Menu: { buildFromTemplate: vi.fn((template: unknown) => template), setApplicationMenu: vi.fn() },
  // Renderer-side modules, for the preload.
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: {
    invoke: vi.fn(async (channel: string, request: unknown) => ({ ok: true, value: { channel, request } })),
    on: vi.fn((channel: string, listener: Listener) => rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), listener])),
    removeListener: vi.fn((channel: string, listener: Listener) => rendererListeners.set(channel, (rendererListeners.get(channel) ?? []).filter((l) => l !== listener))),
  },
};

/** What a test does to, and reads from, the fake. */
export const electronControl = {
  forks,
  ipcHandlers,
  protocolHandlers,
  webRequestListeners,
  /** Calls an IPC handler as a renderer frame at `frameUrl` would. */
  invoke(channel: string, frameUrl: string | null, payload: unknown): Promise<any> {
    const handler = ipcHandlers.get(channel);
    if (!handler) throw new Error(`no ipcMain handler for ${channel}`);
    return Promise.resolve(handler({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, payload));
  },
  /** Main sends an event to the renderer: what the preload's listeners get. */
  sendToRenderer(channel: string, payload: unknown): void {
    for (const listener of rendererListeners.get(channel) ?? []) listener({ sender: 'the IPC event object' }, payload);
  },
  rendererListenerCount(channel: string): number {
    return (rendererListeners.get(channel) ?? []).length;
  },
};
