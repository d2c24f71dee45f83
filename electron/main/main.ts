/**
 * Electron main process entry (package.json "main"). Electron is loaded here, once, and handed to
 * the shell; the engine never runs in this process.
 */
import type { ElectronMain } from './electron-types.js';
import { startDesktop } from './app.js';

const loaded = (await import('electron' as string)) as Partial<ElectronMain> & { default?: ElectronMain };
// Named exports where Electron offers them to ESM; its CommonJS default export otherwise.
const electron = loaded.app ? (loaded as ElectronMain) : (loaded.default as ElectronMain);

// Not awaited: Electron emits 'ready' only once this entry module has finished evaluating, so a
// top-level await on whenReady would never end. What must happen before 'ready' (registering the
// app:// scheme) runs synchronously inside startDesktop, before its first await.
startDesktop(electron).catch((error: unknown) => {
  process.stderr.write(`EdgeTune could not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  electron.app.quit();
});
