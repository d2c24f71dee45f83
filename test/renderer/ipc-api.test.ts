import { describe, expect, it } from 'vitest';
import { API_FUNCTIONS, ApiCallError, type ApiEvent, type EdgeTuneBridge } from '../../electron/api/contract';
import { ipcApi } from '../../renderer/src/api/host';

/** `window.edgetune` as the preload exposes it: envelopes from each channel, and onEvent. */
function fakeBridge(answers: Partial<Record<string, unknown>>) {
  const listeners = new Set<(event: ApiEvent) => void>();
  const calls: [string, unknown][] = [];
  const channels = Object.fromEntries(
    API_FUNCTIONS.map((name) => [
      name,
      async (request: unknown) => {
        calls.push([name, request]);
        return answers[name] ?? { ok: false, error: { code: 'not-here', message: `${name} not answered`, fix: 'answer it' } };
      },
    ]),
  );
  const bridge = {
    ...channels,
    onEvent: (listener: (event: ApiEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as EdgeTuneBridge;
  return { bridge, calls, emit: (event: ApiEvent) => listeners.forEach((listener) => listener(event)) };
}

describe('the API over the Electron preload', () => {
  it('calls the channel of the same name and unwraps its envelope', async () => {
    const { bridge, calls } = fakeBridge({ listModels: { ok: true, value: { models: [] } } });
    await expect(ipcApi(bridge).listModels({})).resolves.toEqual({ models: [] });
    expect(calls).toEqual([['listModels', {}]]);
  });

  it('throws the engine error with its fix, as the web client does', async () => {
    const { bridge } = fakeBridge({});
    const error = await ipcApi(bridge).probe({}).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ code: 'not-here', fix: 'answer it' });
  });

  it('forwards events until unsubscribed', () => {
    const { bridge, emit } = fakeBridge({});
    const seen: ApiEvent[] = [];
    const stop = ipcApi(bridge).onEvent((event) => seen.push(event));
    emit({ type: 'engine-status', state: 'restarting', message: 'the engine stopped; restarting it' });
    stop();
    emit({ type: 'engine-status', state: 'ready', message: 'ready' });
    expect(seen).toHaveLength(1);
  });
});
