import { APP_ENTRY_URL } from './app-origin.js';
import type { BrowserWindow, BrowserWindowConstructor } from './electron-types.js';
import { secureWebPreferences } from './security.js';

/** Readable at 1280×800, the smallest screen the UI is designed for. */
export function createMainWindow(BrowserWindowClass: BrowserWindowConstructor, preload: string): BrowserWindow {
  const window = new BrowserWindowClass({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: 'EdgeTune',
    show: false,
    webPreferences: secureWebPreferences(preload),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}
