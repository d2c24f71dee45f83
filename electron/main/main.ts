/**
 * Electron main process. For now it opens one locked-down window that points users to the
 * headless commands; the React renderer arrives with the desktop-app work. The engine is never
 * imported here directly: heavy work will run in a utility process.
 */
interface ElectronModule {
  app: { whenReady(): Promise<void>; on(event: string, listener: () => void): void; quit(): void };
  BrowserWindow: new (options: Record<string, unknown>) => {
    loadURL(url: string): Promise<void>;
    webContents: { setWindowOpenHandler(handler: () => { action: 'deny' }): void; on(event: string, listener: (event: { preventDefault(): void }) => void): void };
  };
}

const page = `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>EdgeTune</title><style>body{font:15px system-ui;margin:3em;max-width:44em;line-height:1.5}code{background:#eee;padding:0 .3em}</style></head>
<body><h1>EdgeTune</h1><p>The desktop pages are not built yet. Everything works from a terminal:</p>
<p><code>npx edgetune tune</code> — probe, sweep and schedule on this machine<br>
<code>npx edgetune --help</code> — all commands</p></body></html>`;

export async function startDesktop(): Promise<void> {
  const { app, BrowserWindow } = (await import('electron' as string)) as ElectronModule;
  await app.whenReady();
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(page)}`);
  app.on('window-all-closed', () => app.quit());
}

await startDesktop();
