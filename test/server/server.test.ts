import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEvent } from '../../electron/api/contract.js';
import { createEngineHost, type EngineHost } from '../../electron/api/host/engine-host.js';
import { startWebServer, type WebServer } from '../../electron/server/server.js';

/** The fast sweep of test/cli/sweep.test.ts: one block of vit-ti16 at six counts, one pass. */
const quickSweep = { model: 'vit-ti16', tokens: '1:6', ep: 'cpu', passes: 1, strategy: 'block', validate: false };

describe('edgetune serve: the API over HTTP and WebSocket (real server, real engine)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'edgetune-serve-'));
  const rendererDir = path.join(root, 'renderer');
  let engine: EngineHost;
  let server: WebServer;
  let base: string;
  const events: ApiEvent[] = [];
  let socket: WebSocket;

  const call = async (name: string, body: unknown, token: string | null = server.token) => {
    const response = await fetch(`${base}/api/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const until = async (predicate: () => boolean, timeoutMs = 60_000) => {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for an event');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const eventsOf = (jobId: string) => events.filter((event) => 'jobId' in event && event.jobId === jobId);

  beforeAll(async () => {
    mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>EdgeTune</title><script type="module" src="./assets/app.js"></script>');
    writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'export {}');
    writeFileSync(path.join(root, 'secret.txt'), 'outside the renderer');
    engine = createEngineHost({ transport: 'http', runsRoot: path.join(root, 'runs') });
    server = await startWebServer({ engine, rendererDir, port: 0 });
    base = `http://127.0.0.1:${server.port}`;
    socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`);
    socket.on('message', (data) => events.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  });

  afterAll(async () => {
    socket?.close();
    await engine?.shutdown();
    await server?.close();
  });

  it('listens on loopback and prints a URL carrying the token', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('answers 401 without the token, or with a wrong one, on the API and the page', async () => {
    expect((await call('getInfo', {}, null)).status).toBe(401);
    const wrong = await call('getInfo', {}, 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401);
  });

  it('refuses the WebSocket upgrade without the token (401)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const unauthorized = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`);
      unauthorized.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      unauthorized.on('open', () => reject(new Error('connected without a token')));
      unauthorized.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });

  it('accepts the token as ?token= too', async () => {
    const response = await fetch(`${base}/api/getInfo?token=${server.token}`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).value).toMatchObject({ name: 'edgetune', transport: 'http' });
  });

  it('validates requests with the contract: 400 naming the fields', async () => {
    const invalid = await call('startSweep', { model: 5, tokens: '1-6', colour: 'red' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.ok).toBe(false);
    expect(invalid.body.error.code).toBe('bad-request');
    expect(invalid.body.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['(request)', 'model', 'tokens']);
    const notJson = await fetch(`${base}/api/getInfo`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: '{oops' });
    expect(notJson.status).toBe(400);
    expect((await call('noSuchFunction', {})).status).toBe(404);
  });

  it('answers listModels and probe', async () => {
    const models = await call('listModels', {});
    expect(models.status).toBe(200);
    expect(models.body.value.models.map((model: { id: string }) => model.id)).toContain('vit-ti16');
    const probe = await call('probe', {});
    expect(probe.status).toBe(200);
    expect(probe.body.value.onnxruntime.providers.find((status: { ep: string }) => status.ep === 'cpu').works).toBe(true);
  });

  it('runs a sweep as a job: progress events, then a run the browser lists and opens', async () => {
    const started = await call('startSweep', quickSweep);
    expect(started.status).toBe(200);
    const { jobId, runId } = started.body.value;
    await until(() => eventsOf(jobId).some((event) => event.type === 'job-done' || event.type === 'job-failed'));
    const mine = eventsOf(jobId);
    expect(mine.filter((event) => event.type === 'job-progress').length).toBeGreaterThan(3);
    expect(mine.at(-1)).toEqual({ type: 'job-done', jobId, kind: 'sweep', runId, status: 'complete' });

    const runs = await call('listRuns', {});
    expect(runs.body.value.runs).toContainEqual(expect.objectContaining({ runId, kind: 'sweep', label: 'vit-ti16', status: 'complete' }));
    const run = await call('getRun', { runId });
    expect(run.status).toBe(200);
    expect(run.body.value.run.command).toEqual(expect.arrayContaining(['sweep', '--model', 'vit-ti16', '--skip-validation']));
    expect(run.body.value.documents.profile.points.map((point: { tokens: number }) => point.tokens)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run.body.value.files.map((file: { name: string }) => file.name)).toEqual(['profile.csv', 'profile.json', 'raw-timings.csv']);

    const raw = await call('readRunFile', { runId, name: 'raw-timings.csv' });
    expect(raw.body.value).toMatchObject({ mimeType: 'text/csv; charset=utf-8', encoding: 'utf8' });
    expect(raw.body.value.content.split('\n')[0]).toBe('workload,phase,pass,tokens,is_reference,visit,visit_started_ms,iteration,ms');

    const schedule = await call('createSchedule', { runId, alpha: 0.5, save: true });
    expect(schedule.status).toBe(200);
    expect(schedule.body.value).toMatchObject({ savedAs: 'schedule.json', schedule: { schema: 'edgetune/schedule@1', baselineTokens: 6 } });
    expect((await call('getRun', { runId })).body.value.documents.schedule.keepTokens).toBe(schedule.body.value.schedule.keepTokens);
  });

  it('refuses run files outside the run: ../ and absolute paths', async () => {
    const { runs } = (await call('listRuns', {})).body.value;
    const runId = runs[0].runId;
    for (const name of ['../secret.txt', '../../secret.txt', '/etc/passwd', 'a/../../secret.txt']) {
      const answer = await call('readRunFile', { runId, name });
      expect(answer.status, name).toBe(400);
      expect(answer.body.error.issues[0].path).toBe('name');
    }
    expect((await call('readRunFile', { runId: '..', name: 'secret.txt' })).status).toBe(400);
    expect((await call('readRunFile', { runId, name: 'no-such-file.csv' })).status).toBe(404);
  });

  it('cancels a running job; the run keeps what was measured, marked incomplete', async () => {
    const started = await call('startSweep', { model: 'vit-s16', ep: 'cpu', strategy: 'block', validate: false });
    const { jobId, runId } = started.body.value;
    // A few visits in, so that there is something to keep.
    await until(() => eventsOf(jobId).some((event) => event.type === 'job-progress' && event.progress.phase === 'survey' && event.progress.done >= 4));
    expect((await call('deleteRun', { runId })).status).toBe(409);
    expect((await call('cancelJob', { jobId })).body.value).toEqual({ jobId, cancelled: true });
    await until(() => eventsOf(jobId).some((event) => event.type === 'job-cancelled'));
    expect(eventsOf(jobId).some((event) => event.type === 'job-done' || event.type === 'job-failed')).toBe(false);
    const cancelled = (await call('getRun', { runId })).body.value;
    expect(cancelled.run.status).toBe('incomplete');
    expect(cancelled.documents.profile.complete).toBe(false);
    expect(cancelled.documents.profile.points.length).toBeGreaterThan(0);
    expect((await call('cancelJob', { jobId })).body.value).toEqual({ jobId, cancelled: false });
    expect((await call('listJobs', {})).body.value.jobs).toContainEqual(expect.objectContaining({ jobId, state: 'cancelled' }));
    expect((await call('cancelJob', { jobId: 'job-unknown' })).status).toBe(404);

    expect((await call('deleteRun', { runId })).body.value).toEqual({ runId, deleted: true });
    expect((await call('getRun', { runId })).status).toBe(404);
  });

  it('serves the built renderer with MIME types, CSP and a cookie for reloads, and nothing outside it', async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'self'/);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);

    const script = await fetch(`${base}/assets/app.js`, { headers: { Cookie: cookie } });
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${base}/`, { headers: { Cookie: cookie } })).status).toBe(200);
    // The cookie opens the page's files, never the API.
    expect((await fetch(`${base}/api/listRuns`, { method: 'POST', headers: { Cookie: cookie } })).status).toBe(401);

    for (const rawPath of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const status = await new Promise<number>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port: server.port, path: rawPath, headers: { Cookie: cookie } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(status, rawPath).toBe(404);
    }
  });
});
