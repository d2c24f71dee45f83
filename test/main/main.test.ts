import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_FUNCTIONS, EVENT_CHANNEL, ipcChannel } from '../../electron/api/contract.js';
import { electronControl, fakeElectron, FakeBrowserWindow, FakeWebContents } from './electron-mock.js';

vi.mock('electron', async () => (await import('./electron-mock.js')).fakeElectron);

const ourPage = 'app://edgetune/index.html';

describe('Electron main process (electron mocked)', () => {
  beforeAll(async () => {
    // The real entry: it loads 'electron' (the fake) and starts the app.
    await import('../../electron/main/main.js');
    await vi.waitFor(() => expect(FakeBrowserWindow.all).toHaveLength(1));
  });

  it('opens one window with the secure web preferences and our app:// page', () => {
    expect(FakeBrowserWindow.all).toHaveLength(1);
    const [window] = FakeBrowserWindow.all;
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window.options.webPreferences.preload).toMatch(/preload[\\/]preload\.cjs$/);
    expect(window.loadURL).toHaveBeenCalledWith(ourPage);
  });

  it('serves the renderer from a privileged app:// scheme, registered before the app is ready', () => {
    const registered = fakeElectron.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0];
    expect(registered).toBeLessThan(fakeElectron.app.whenReady.mock.invocationCallOrder[0]);
    expect(fakeElectron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(electronControl.protocolHandlers.has('app')).toBe(true);
  });

  it('puts a strict CSP on every response and denies every permission', () => {
    const [onHeaders] = electronControl.webRequestListeners;
    let headers: Record<string, string[]> | undefined;
    onHeaders({ url: ourPage, responseHeaders: { 'X-Other': ['kept'] } }, (response: { responseHeaders: Record<string, string[]> }) => (headers = response.responseHeaders));
    const csp = headers?.['Content-Security-Policy']?.[0] ?? '';
    expect(headers?.['X-Other']).toEqual(['kept']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);

    const [requestHandler] = fakeElectron.session.defaultSession.setPermissionRequestHandler.mock.calls[0];
    const granted = vi.fn();
    requestHandler({}, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    const [checkHandler] = fakeElectron.session.defaultSession.setPermissionCheckHandler.mock.calls[0];
    expect(checkHandler({}, 'notifications')).toBe(false);
  });

  it('blocks navigation, redirects, webviews and new windows in every web contents', () => {
    const contents = new FakeWebContents();
    fakeElectron.app.emit('web-contents-created', {}, contents);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const navigation = { preventDefault: vi.fn() };
      contents.emit(event, navigation, 'https://example.com/');
      expect(navigation.preventDefault, event).toHaveBeenCalled();
    }
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(FakeBrowserWindow.all[0].webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('registers one IPC handler per API function', () => {
    expect([...electronControl.ipcHandlers.keys()].sort()).toEqual(API_FUNCTIONS.map(ipcChannel).sort());
  });

  it('answers our page through the engine process', async () => {
    const engine = electronControl.forks[0];
    expect(engine.modulePath).toMatch(/engine-entry\.js$/);
    const result = await electronControl.invoke(ipcChannel('listModels'), ourPage, {});
    expect(result).toEqual({ ok: true, value: { answeredBy: 'fake engine', name: 'listModels' } });
    expect(engine.calls()).toContain('listModels');
  });

  it('refuses a foreign sender without asking the engine', async () => {
    const engine = electronControl.forks[0];
    const before = engine.calls().length;
    for (const frameUrl of ['https://evil.example/', 'file:///tmp/page.html', 'app://other/index.html', null]) {
      const result = await electronControl.invoke(ipcChannel('deleteRun'), frameUrl, { runId: 'some-run' });
      expect(result.ok, String(frameUrl)).toBe(false);
      expect(result.error.code).toBe('forbidden');
    }
    expect(engine.calls()).toHaveLength(before);
  });

  it('refuses invalid payloads, naming the fields, without asking the engine', async () => {
    const engine = electronControl.forks[0];
    const before = engine.calls().length;
    const wrongType = await electronControl.invoke(ipcChannel('startSweep'), ourPage, { model: 5, batch: 0 });
    expect(wrongType.ok).toBe(false);
    expect(wrongType.error.code).toBe('bad-request');
    expect(wrongType.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['batch', 'model']);
    const extraField = await electronControl.invoke(ipcChannel('getRun'), ourPage, { runId: 'a', shell: 'rm -rf /' });
    expect(extraField.error.code).toBe('bad-request');
    const traversal = await electronControl.invoke(ipcChannel('readRunFile'), ourPage, { runId: 'a', name: '../../etc/passwd' });
    expect(traversal.error.issues[0].path).toBe('name');
    expect(engine.calls()).toHaveLength(before);
  });

  it('restarts a dead engine process, fails what it was doing and tells the window', async () => {
    const window = FakeBrowserWindow.all[0];
    const engine = electronControl.forks[0];
    engine.respond = (name) => (name === 'startSweep' ? { ok: true, value: { jobId: 'job-1', runId: 'run-1' } } : undefined);
    await electronControl.invoke(ipcChannel('startSweep'), ourPage, { model: 'vit-ti16' });
    const stuck = electronControl.invoke(ipcChannel('probe'), ourPage, {});

    engine.emit('exit', 134);

    expect(await stuck).toMatchObject({ ok: false, error: { code: 'engine-crashed' } });
    const sent = window.webContents.send.mock.calls.filter(([channel]) => channel === EVENT_CHANNEL).map(([, event]) => event);
    expect(sent).toContainEqual(expect.objectContaining({ type: 'job-failed', jobId: 'job-1', runId: 'run-1' }));
    expect(sent).toContainEqual(expect.objectContaining({ type: 'engine-status', state: 'restarting', message: expect.stringContaining('exit code 134') }));
    await vi.waitFor(() => expect(electronControl.forks).toHaveLength(2), { timeout: 3000 });
    const result = await electronControl.invoke(ipcChannel('listJobs'), ourPage, {});
    expect(result).toEqual({ ok: true, value: { answeredBy: 'fake engine', name: 'listJobs' } });
    expect(electronControl.forks[1].calls()).toEqual(['listJobs']);
  });

  it('forwards engine events to the window', () => {
    const window = FakeBrowserWindow.all[0];
    const event = { type: 'job-note', jobId: 'job-2', text: 'strategy: one block' };
    electronControl.forks[1].emit('message', { type: 'event', event });
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, event);
  });

  it('lets running jobs save before quitting', async () => {
    const beforeQuit = { preventDefault: vi.fn() };
    fakeElectron.app.emit('before-quit', beforeQuit);
    expect(beforeQuit.preventDefault).toHaveBeenCalled();
    expect(electronControl.forks[1].posted).toContainEqual({ type: 'shutdown' });
    await vi.waitFor(() => expect(fakeElectron.app.quit).toHaveBeenCalled());
  });
});
