import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../electron/api/client';
import { ApiCallError, type ApiEvent } from '../../electron/api/contract';
import { createWebTransport } from '../../renderer/src/api/web-transport';

/** A WebSocket stand-in the test drives: open, message, close. */
class FakeSocket {
  static opened: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
  }
  close() {
    this.closed = true;
    this.onclose?.();
  }
  drop() {
    this.onclose?.();
  }
}

function answering(status: number, body: unknown) {
  return vi.fn<typeof fetch>(async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }));
}

const origin = 'http://127.0.0.1:8197';
const token = 'secret-token';

describe('web transport', () => {
  beforeEach(() => {
    FakeSocket.opened = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('posts each call to /api/<function> with the token as a bearer header, never in the URL', async () => {
    const fetch = answering(200, { ok: true, value: { runsRoot: '/r', runs: [] } });
    const api = createApiClient(createWebTransport({ origin, token, fetch, WebSocket: FakeSocket as unknown as typeof WebSocket }));
    await expect(api.listRuns({})).resolves.toEqual({ runsRoot: '/r', runs: [] });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${origin}/api/listRuns`);
    expect(String(url)).not.toContain(token);
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>).authorization).toBe(`Bearer ${token}`);
    expect(JSON.parse(String(init?.body))).toEqual({});
  });

  it("turns the engine's error into an ApiCallError with its message and fix", async () => {
    const fetch = answering(404, { ok: false, error: { code: 'run-not-found', message: 'no run x', fix: 'pick a run listed by listRuns' } });
    const api = createApiClient(createWebTransport({ origin, token, fetch, WebSocket: FakeSocket as unknown as typeof WebSocket }));
    const error = await api.getRun({ runId: 'x' }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ code: 'run-not-found', message: 'no run x', fix: 'pick a run listed by listRuns' });
  });

  it('says how to get a valid token when the server refuses it', async () => {
    const transport = createWebTransport({ origin, token, fetch: answering(401, 'unauthorized'), WebSocket: FakeSocket as unknown as typeof WebSocket });
    const result = await transport.call('getInfo', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unauthorized', fix: expect.stringContaining('URL it printed') } });
    const withEnvelope = createWebTransport({
      origin,
      token,
      fetch: answering(401, { ok: false, error: { code: 'unauthorized', message: 'missing or wrong token' } }),
      WebSocket: FakeSocket as unknown as typeof WebSocket,
    });
    expect(await withEnvelope.call('getInfo', {})).toMatchObject({ ok: false, error: { message: 'missing or wrong token', fix: expect.stringContaining('token') } });
  });

  it('reports an unreachable server as an error with a fix instead of throwing', async () => {
    const failing = vi.fn<typeof fetch>(async () => {
      throw new TypeError('Failed to fetch');
    });
    const transport = createWebTransport({ origin, token, fetch: failing, WebSocket: FakeSocket as unknown as typeof WebSocket });
    expect(await transport.call('probe', {})).toMatchObject({ ok: false, error: { code: 'unreachable', message: expect.stringContaining('Failed to fetch'), fix: expect.any(String) } });
  });

  it('opens the event socket with the token in its query (a browser socket has no headers) and hands on valid events', () => {
    const transport = createWebTransport({ origin, token, fetch: answering(200, {}), WebSocket: FakeSocket as unknown as typeof WebSocket });
    const events: ApiEvent[] = [];
    transport.onEvent((event) => events.push(event));
    expect(FakeSocket.opened).toHaveLength(1);
    const url = new URL(FakeSocket.opened[0].url);
    expect(url.protocol).toBe('ws:');
    expect(url.pathname).toBe('/api/events');
    expect(url.searchParams.get('token')).toBe(token);

    const socket = FakeSocket.opened[0];
    socket.onopen!();
    expect(transport.state).toBe('open');
    socket.onmessage!({ data: JSON.stringify({ type: 'job-note', jobId: 'j1', text: 'strategy: one block' }) });
    socket.onmessage!({ data: JSON.stringify({ type: 'no-such-event' }) });
    socket.onmessage!({ data: 'not json' });
    expect(events).toEqual([{ type: 'job-note', jobId: 'j1', text: 'strategy: one block' }]);
  });

  it('reconnects with growing waits while someone listens, and closes when the last listener leaves', () => {
    const transport = createWebTransport({ origin, token, fetch: answering(200, {}), WebSocket: FakeSocket as unknown as typeof WebSocket, reconnectMs: { first: 100, max: 300 } });
    const states: string[] = [];
    transport.onStateChange((state) => states.push(state));
    const stop = transport.onEvent(() => undefined);
    FakeSocket.opened[0].onopen!();
    FakeSocket.opened[0].drop();
    expect(transport.state).toBe('reconnecting');
    vi.advanceTimersByTime(99);
    expect(FakeSocket.opened).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.opened).toHaveLength(2);
    FakeSocket.opened[1].drop();
    vi.advanceTimersByTime(199);
    expect(FakeSocket.opened).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.opened).toHaveLength(3);
    FakeSocket.opened[2].onopen!();
    expect(states).toEqual(['open', 'reconnecting', 'open']);

    stop();
    expect(FakeSocket.opened[2].closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.opened).toHaveLength(3);
  });
});
