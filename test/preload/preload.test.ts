import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_FUNCTIONS, EVENT_CHANNEL, ipcChannel } from '../../electron/api/contract.js';
import { electronControl, fakeElectron } from '../main/electron-mock.js';

const preloadSource = path.resolve(__dirname, '../../electron/preload/preload.cts');

/**
 * Runs the preload the way a sandboxed renderer does: as a CommonJS script whose `require` knows
 * only 'electron' (here the fake). Requiring anything else fails, as it would there.
 */
function runPreloadInSandbox(): void {
  const { outputText } = ts.transpileModule(readFileSync(preloadSource, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const sandboxRequire = (name: string) => {
    if (name === 'electron') return fakeElectron;
    throw new Error(`module not found in a sandboxed preload: ${name}`);
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', outputText)(sandboxRequire, module, module.exports);
}

describe('preload: window.edgetune', () => {
  let bridge: Record<string, (...args: unknown[]) => unknown>;

  beforeAll(() => {
    runPreloadInSandbox();
    expect(fakeElectron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, exposed] = fakeElectron.contextBridge.exposeInMainWorld.mock.calls[0];
    expect(key).toBe('edgetune');
    bridge = exposed;
  });

  it('exposes one function per API channel and onEvent, nothing else', () => {
    expect(Object.keys(bridge).sort()).toEqual([...API_FUNCTIONS, 'onEvent'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it("invokes each function's own channel with the request", async () => {
    for (const name of API_FUNCTIONS) {
      const request = { for: name };
      expect(await bridge[name](request)).toEqual({ ok: true, value: { channel: ipcChannel(name), request } });
    }
    expect(fakeElectron.ipcRenderer.invoke).toHaveBeenCalledTimes(API_FUNCTIONS.length);
  });

  it('hands listeners the event only (never the IPC event) and unsubscribes them', () => {
    const listener = vi.fn();
    const unsubscribe = bridge.onEvent(listener) as () => void;
    const event = { type: 'job-note', jobId: 'job-1', text: 'hello' };
    electronControl.sendToRenderer(EVENT_CHANNEL, event);
    expect(listener).toHaveBeenCalledWith(event);
    expect(listener.mock.calls[0]).toHaveLength(1);
    unsubscribe();
    expect(electronControl.rendererListenerCount(EVENT_CHANNEL)).toBe(0);
    electronControl.sendToRenderer(EVENT_CHANNEL, event);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
