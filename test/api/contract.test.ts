import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiClient, type ApiTransport } from '../../electron/api/client.js';
import {
  API_FUNCTIONS,
  ApiCallError,
  apiEventSchema,
  apiFunctions,
  ipcChannel,
  runFileNameSchema,
  runIdSchema,
} from '../../electron/api/contract.js';

const apiFolder = path.resolve(__dirname, '../../electron/api');

/** Every module a file loads at run time, following relative imports (type-only imports are erased). */
function runtimeImportGraph(file: string, seen = new Set<string>()): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (current: string) => {
    if (seen.has(current)) return;
    seen.add(current);
    const text = readFileSync(current, 'utf8');
    const specifiers = [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((match) => match[1]);
    graph.set(current, specifiers);
    for (const specifier of specifiers.filter((s) => s.startsWith('.'))) visit(path.resolve(path.dirname(current), specifier).replace(/\.js$/, '.ts'));
  };
  visit(file);
  return graph;
}

describe('the API contract', () => {
  it('lists every function once, each with a request and a response schema, on its own channel', () => {
    expect(API_FUNCTIONS).toEqual(Object.keys(apiFunctions));
    for (const name of API_FUNCTIONS) {
      expect(typeof apiFunctions[name].request.safeParse, name).toBe('function');
      expect(typeof apiFunctions[name].response.safeParse, name).toBe('function');
    }
    expect(new Set(API_FUNCTIONS.map(ipcChannel)).size).toBe(API_FUNCTIONS.length);
  });

  it('loads in a browser: the contract and the client import zod and engine contracts only, never Node or Electron', () => {
    for (const entry of ['contract.ts', 'client.ts']) {
      const graph = runtimeImportGraph(path.join(apiFolder, entry));
      const bare = [...graph.values()].flat().filter((specifier) => !specifier.startsWith('.'));
      expect(new Set(bare), entry).toEqual(new Set(['zod']));
      for (const file of graph.keys()) expect(file, entry).toMatch(/electron\/(api\/(contract|client)|engine\/(contracts\/\w+|measure\/execution-providers))\.ts$/);
    }
  });

  it('fills in the same defaults as the CLI', () => {
    expect(apiFunctions.startSweep.request.parse({ model: 'vit-b16' })).toEqual({ model: 'vit-b16', ep: 'auto', fallback: false, batch: 1, strategy: 'auto', validate: true });
    expect(apiFunctions.startTune.request.parse({})).toMatchObject({ model: 'vit-b16', alpha: 0.5, layer: 3, maxRemoveFraction: 0.1, method: 'pomt' });
    expect(apiFunctions.probe.request.safeParse({ extra: 1 }).success).toBe(false);
  });

  it('run ids and file names cannot leave the runs folder', () => {
    for (const bad of ['..', '.', '.hidden', 'a/b', '/abs', '']) expect(runIdSchema.safeParse(bad).success, bad).toBe(false);
    expect(runIdSchema.safeParse('20261126-101500-sweep-vit-b16').success).toBe(true);
    for (const bad of ['../run.json', 'a/../../x', '/etc/passwd', 'a//b', 'a\\..\\b', '.env', 'gen/.', 'C:/x']) {
      expect(runFileNameSchema.safeParse(bad).success, bad).toBe(false);
    }
    for (const good of ['raw-timings.csv', 'generation-003/candidate-1.png', 'schedule.json']) expect(runFileNameSchema.safeParse(good).success, good).toBe(true);
  });

  it('describes every event the renderer can receive', () => {
    const examples = [
      { type: 'job-progress', jobId: 'job-1', kind: 'sweep', progress: { phase: 'survey', stage: 'survey', done: 3, total: 40, detail: 'pass 1/4 · 99 tokens' } },
      { type: 'job-note', jobId: 'job-1', text: 'strategy: one block' },
      { type: 'sweep-visit', jobId: 'job-1', tokens: 99, pass: 0, phase: 'survey', isReference: false, medianMs: 4.2, samples: 12 },
      { type: 'job-done', jobId: 'job-1', kind: 'tune', runId: 'r', status: 'complete' },
      { type: 'job-failed', jobId: 'job-1', kind: 'sweep', runId: 'r', error: { code: 'ep-unavailable', message: 'webgpu does not work here', fix: 'use --ep cpu' } },
      { type: 'job-cancelled', jobId: 'job-1', kind: 'sweep', runId: 'r' },
      { type: 'engine-status', state: 'restarting', message: 'the engine process stopped unexpectedly' },
    ];
    for (const example of examples) expect(apiEventSchema.safeParse(example).success, example.type).toBe(true);
    expect(apiEventSchema.safeParse({ type: 'job-exploded', jobId: 'job-1' }).success).toBe(false);
  });

  it('createApiClient turns envelopes into values and ApiCallErrors', async () => {
    const transport: ApiTransport = {
      call: async (name) =>
        (name === 'getInfo'
          ? { ok: true, value: { name: 'edgetune', version: '1', transport: 'ipc', runsRoot: '/r', functions: [] } }
          : { ok: false, error: { code: 'run-not-found', message: 'no run x', fix: 'pick a run listed by listRuns' } }) as never,
      onEvent: () => () => undefined,
    };
    const api = createApiClient(transport);
    expect((await api.getInfo({})).transport).toBe('ipc');
    const failure = await api.getRun({ runId: 'x' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiCallError);
    expect(failure).toMatchObject({ code: 'run-not-found', message: 'no run x', fix: 'pick a run listed by listRuns' });
  });
});
