/**
 * The slice of Electron's main-process API EdgeTune uses. Electron is an optional dependency (its
 * binary and types are absent where it cannot be installed), so the shell is typed against this and
 * the tests hand it a fake.
 */
export interface IpcMainInvokeEvent {
  /** null once the frame has navigated away or been destroyed */
  senderFrame: { url: string } | null;
}

export interface IpcMain {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface HeadersReceivedDetails {
  url: string;
  responseHeaders?: Record<string, string[]>;
}

export interface Session {
  webRequest: {
    onHeadersReceived(listener: (details: HeadersReceivedDetails, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void): void;
  };
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

export interface NavigationEvent {
  preventDefault(): void;
}

export interface WebContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: NavigationEvent, ...args: unknown[]) => void): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  send(channel: string, ...args: unknown[]): void;
}

export interface BrowserWindowOptions {
  width: number;
  height: number;
  minWidth?: number;
  minHeight?: number;
  title?: string;
  show?: boolean;
  backgroundColor?: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    spellcheck: boolean;
  };
}

export interface BrowserWindow {
  webContents: WebContents;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): void;
  show(): void;
  isDestroyed(): boolean;
}

export interface BrowserWindowConstructor {
  new (options: BrowserWindowOptions): BrowserWindow;
  getAllWindows(): BrowserWindow[];
}

export interface Protocol {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface UtilityProcess {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  on(event: 'spawn', listener: () => void): this;
  kill(): boolean;
}

export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'inherit' | 'pipe' | 'ignore'; env?: NodeJS.ProcessEnv }): UtilityProcess;
}

export interface MenuItemOptions {
  role?: string;
  label?: string;
  submenu?: MenuItemOptions[];
}

export interface MenuModule {
  buildFromTemplate(template: MenuItemOptions[]): unknown;
  setApplicationMenu(menu: unknown): void;
}

export interface App {
  whenReady(): Promise<void>;
  on(event: 'window-all-closed' | 'activate', listener: () => void): void;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContents) => void): void;
  on(event: 'before-quit', listener: (event: NavigationEvent) => void): void;
  quit(): void;
  getVersion(): string;
}

export interface ElectronMain {
  app: App;
  BrowserWindow: BrowserWindowConstructor;
  ipcMain: IpcMain;
  protocol: Protocol;
  session: { defaultSession: Session };
  utilityProcess: UtilityProcessModule;
  Menu: MenuModule;
}
