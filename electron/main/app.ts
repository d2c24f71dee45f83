/**
 * The desktop app: a locked-down window on app://edgetune, the API over IPC, and the engine in a
 * utility process. Every Electron object comes in through `electron` (tests pass a fake).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../server/renderer-files.js';
import type { ElectronMain } from './electron-types.js';
import { EngineProcess } from './engine-process.js';
import { forwardEventsToWindows, registerApiHandlers } from './ipc.js';
import { installMenu } from './menu.js';
import { registerAppScheme, serveRendererOverAppScheme } from './protocol.js';
import { hardenSession, hardenWebContents } from './security.js';
import { createMainWindow } from './windows.js';

export interface DesktopPaths {
  preload: string;
  engineEntry: string;
  rendererDir: string;
}

/** Beside this module in dist/electron/main: the preload (CommonJS, as sandboxed preloads must be) and the engine entry. */
export function desktopPaths(): DesktopPaths {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return {
    preload: path.join(here, '..', 'preload', 'preload.cjs'),
    engineEntry: path.join(here, 'engine-entry.js'),
    rendererDir: path.join(packageRoot(), 'dist', 'renderer'),
  };
}

export async function startDesktop(electron: ElectronMain, paths: DesktopPaths = desktopPaths()): Promise<{ engine: EngineProcess }> {
  const { app, BrowserWindow, ipcMain, protocol, session, utilityProcess, Menu } = electron;
  registerAppScheme(protocol);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  await app.whenReady();

  hardenSession(session.defaultSession);
  serveRendererOverAppScheme(protocol, paths.rendererDir);
  installMenu(Menu);

  const engine = new EngineProcess({
    fork: () =>
      utilityProcess.fork(paths.engineEntry, [], { serviceName: 'EdgeTune engine', stdio: 'inherit', env: { ...process.env, EDGETUNE_VERSION: app.getVersion() } }),
  });
  engine.onEvent(forwardEventsToWindows(BrowserWindow));
  engine.start();
  registerApiHandlers(ipcMain, engine);

  createMainWindow(BrowserWindow, paths.preload);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(BrowserWindow, paths.preload);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let engineStopped = false;
  app.on('before-quit', (event) => {
    if (engineStopped) return;
    // Running jobs get to save what they measured before the app goes.
    event.preventDefault();
    void engine.stop().finally(() => {
      engineStopped = true;
      app.quit();
    });
  });
  return { engine };
}
