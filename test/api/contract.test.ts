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
  precisionSchema,
  runFileNameSchema,
  runIdSchema,
  sweepBackendSchema,
  torchDeviceChoiceSchema,
  vittmPatchSettingSchema,
} from '../../electron/api/contract.js';
import { alignAlgorithmSchema } from '../../electron/api/documents.js';
import { algorithmNames } from '../../electron/engine/align/index.js';
import { SAMPLERS } from '../../electron/engine/diffusion/index.js';
import { SWEEP_BACKENDS } from '../../electron/engine/jobs/sweep-job.js';
import { TORCH_DEVICES, TORCH_DTYPES } from '../../electron/engine/measure/torch-protocol.js';
import { vittmPatchSettings } from '../../electron/engine/models/vittm/architectures.js';

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
      for (const file of graph.keys()) expect(file, entry).toMatch(/electron\/(api\/(contract|documents|client)|engine\/(contracts\/\w+|measure\/execution-providers))\.ts$/);
    }
  });

  it('fills in the same defaults as the CLI', () => {
    expect(apiFunctions.startSweep.request.parse({ model: 'vit-b16' })).toEqual({
      model: 'vit-b16',
      backend: 'ort',
      ep: 'auto',
      fallback: false,
      batch: 1,
      strategy: 'auto',
      validate: true,
      cudaGraphs: false,
    });
    expect(apiFunctions.startTune.request.parse({})).toMatchObject({ model: 'vit-b16', backend: 'ort', alpha: 0.5, layer: 3, maxRemoveFraction: 0.1, method: 'pomt' });
    expect(apiFunctions.probe.request.safeParse({ extra: 1 }).success).toBe(false);
    expect(apiFunctions.startValidate.request.parse({ runId: 'r' })).toMatchObject({ match: 'token-layers', rounds: 5, ep: 'auto', batch: 1, seed: 1 });
    expect(apiFunctions.startVittmCompare.request.parse({})).toMatchObject({ vittm: ['vittm-b'], prunedTokens: 'macs', rounds: 5 });
    expect(apiFunctions.startVittmGrid.request.parse({})).toMatchObject({ vittm: 'vittm-s', passes: 2 });
    expect(apiFunctions.startAlign.request.parse({})).toEqual({ model: 'default', reward: 'jpeg-size', algorithm: 'cosyne', seed: 1, shell: false, ep: 'auto', fallback: false });
    expect(apiFunctions.continueAlign.request.parse({ runId: 'r', steps: 5 })).toEqual({ runId: 'r', steps: 5, ep: 'auto', fallback: false });
  });

  it('refuses, as the CLI does, options the chosen runtime would ignore', () => {
    const issues = (request: unknown) => {
      const parsed = apiFunctions.startSweep.request.safeParse(request);
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
    };
    expect(issues({ model: 'vit-b16', backend: 'torch', device: 'cuda', dtype: 'fp16', cudaGraphs: true, python: '/usr/bin/python3' })).toEqual([]);
    expect(issues({ model: 'vit-b16', backend: 'trt', dtype: 'fp16', trtexec: '/usr/src/tensorrt/bin/trtexec' })).toEqual([]);
    expect(issues({ model: 'vit-b16', backend: 'torch', ep: 'cuda', trtexec: 'x' }).sort()).toEqual(['ep', 'trtexec']);
    expect(issues({ model: 'vit-b16', dtype: 'fp16', cudaGraphs: true, device: 'cpu' }).sort()).toEqual(['cudaGraphs', 'device', 'dtype']);
    expect(issues({ model: 'vit-b16', backend: 'torch', device: 'cpu', cudaGraphs: true })).toEqual(['cudaGraphs']);
    expect(apiFunctions.startTune.request.safeParse({ backend: 'trt', width: 384 }).success).toBe(false);
  });

  it('says which schedule to validate, and pairs ViTs with ViTTMs one to one', () => {
    const validate = apiFunctions.startValidate.request.safeParse({ rounds: 1 });
    expect(validate.success).toBe(false);
    expect(validate.error?.issues[0]).toMatchObject({ path: ['runId'], message: expect.stringContaining('name the schedule') });
    expect(apiFunctions.startValidate.request.safeParse({ schedulePath: '/a/schedule.json', schedule: {} }).success).toBe(false);
    const pairs = apiFunctions.startVittmCompare.request.safeParse({ vittm: ['vittm-b', 'vittm-s'], vit: ['vit-b16'] });
    expect(pairs.error?.issues[0].path).toEqual(['vit']);
    expect(apiFunctions.startVittmCompare.request.safeParse({ prunedTokens: 82 }).success).toBe(true);
    expect(apiFunctions.startVittmCompare.request.safeParse({ prunedTokens: 'half' }).success).toBe(false);
    expect(apiFunctions.startAlign.request.safeParse({ algorithm: 'cma-es' }).success).toBe(false);
    expect(apiFunctions.startAlign.request.safeParse({ steps: 0 }).success).toBe(false);
    expect(apiFunctions.startAlign.request.safeParse({ reward: '   ' }).success).toBe(false);
  });

  it("repeats the engine's own lists: runtimes, precisions, ViTTM patches, align algorithms and samplers", () => {
    expect(sweepBackendSchema.options).toEqual([...SWEEP_BACKENDS]);
    expect(torchDeviceChoiceSchema.options).toEqual(['auto', ...TORCH_DEVICES]);
    expect(precisionSchema.options).toEqual([...TORCH_DTYPES]);
    expect(vittmPatchSettingSchema.options).toEqual(Object.keys(vittmPatchSettings));
    expect(alignAlgorithmSchema.options).toEqual([...algorithmNames]);
    expect(apiFunctions.startAlign.request.shape.sampler.unwrap().options).toEqual([...SAMPLERS]);
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
      { type: 'job-done', jobId: 'job-2', kind: 'align', runId: 'r', status: 'incomplete' },
      {
        type: 'align-generation',
        jobId: 'job-2',
        runId: 'r',
        summary: {
          generation: 1,
          images: 24,
          imagesTotal: 40,
          bestReward: 1157,
          bestCandidate: 15,
          meanReward: 1174.3,
          medianReward: 1174,
          bestSoFar: { generation: 1, candidate: 15, genomeHash: 'abc', reward: 1157, violation: 0 },
          improved: true,
          invalid: 0,
          infeasible: 0,
          events: [],
          timing: { wallMs: 120, pipelineMs: 100, rewardMs: 10, searchMs: 2, filesMs: 8 },
          rssBytes: 1,
          peakRssBytes: 2,
          candidates: 'generations/1/candidates.json',
        },
        lineageNote: 'crossover children name both parents',
        candidates: [{ index: 0, genomeHash: 'abc', image: 'generations/1/000-abc.png', reward: 1157, violation: 0, operator: 'crossover', parents: ['x', 'y'], cut: 12 }],
      },
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
