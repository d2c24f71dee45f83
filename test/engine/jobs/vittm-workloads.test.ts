import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../electron/engine/errors.js';
import { countMacs, resolveModel } from '../../../electron/engine/models/architectures.js';
import { resolveVittm } from '../../../electron/engine/models/vittm/architectures.js';
import { imageVitMacs, vittmMacs } from '../../../electron/engine/models/vittm/macs.js';
import type { ExecutionProvider } from '../../../electron/engine/measure/execution-providers.js';
import { WorkerBackend } from '../../../electron/engine/measure/worker-backend.js';
import { WorkloadRunner } from '../../../electron/engine/measure/workload-runner.js';
import { resolveWorkload, type WorkloadRecipe } from '../../../electron/engine/measure/workloads.js';

// Two shared cores: one onnxruntime thread keeps the other tests' timings honest.
const threads = { intraOpThreads: 1, interOpThreads: 1 };
const tinyModels: WorkloadRecipe[] = [
  { kind: 'vit', id: 'vit-ti16', seed: 3 },
  { kind: 'vittm', id: 'vittm-ti', seed: 3 },
  { kind: 'vit-tokens', id: 'vit-ti16', seed: 3, tokens: 49 },
];

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const backend of open.splice(0)) await backend.close();
});

async function start(workloads: WorkloadRecipe[], ep: ExecutionProvider = 'cpu'): Promise<WorkerBackend> {
  const backend = await WorkerBackend.start({ kind: 'workloads', options: { workloads, ep, batch: 1, seed: 1, ...threads } });
  open.push(backend);
  return backend;
}

describe('fixed-shape workloads in the measurement worker', () => {
  it('times an image-input ViT, an image-input ViTTM and a ViT encoder at a fixed token count, picked by index', async () => {
    const backend = await start(tinyModels);
    const workloads = backend.describe().workload?.workloads as { key: string; input: string; inputDims: number[] }[];
    expect(backend.describe().backend).toBe('ort-workloads');
    expect(workloads.map((workload) => workload.key)).toEqual(['vit-ti16', 'vittm-ti', 'vit-ti16@49']);
    expect(workloads.map((workload) => workload.inputDims)).toEqual([[1, 3, 224, 224], [1, 3, 224, 224], [1, 49, 192]]);
    // The cheapest last, the ViTTM first: visiting order must not matter to the backend.
    for (const index of [1, 0, 2, 1]) {
      await backend.prepare(index);
      const times = await backend.time(index, 3);
      expect(times).toHaveLength(3);
      for (const ms of times) expect(ms).toBeGreaterThan(0);
    }
  });

  it('says what each workload costs in MACs, as the closed-form counts do', () => {
    const [vit, vittm, pruned] = tinyModels.map(resolveWorkload);
    expect(vit.macs).toBe(imageVitMacs(resolveModel('vit-ti16')).total);
    expect(vittm.macs).toBe(vittmMacs(resolveVittm('vittm-ti')).total);
    expect(pruned.macs).toBe(countMacs(resolveModel('vit-ti16'), { part: 'encoder', tokens: 49, batch: 1 }));
    expect(vittm.label).toMatch(/196 memory \+ 49 process tokens/);
    const layout = resolveWorkload({ kind: 'vittm', id: 'vittm-ti', seed: 1, memoryTokens: 100, processTokens: 24 });
    expect(layout.key).toBe('vittm-ti@100+24');
  });

  it('rejects a bad id when the worker starts, naming it and the ids that exist', async () => {
    const failure = await start([{ kind: 'vittm', id: 'vittm-xl', seed: 1 }]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect(failure).toMatchObject({ code: 'unknown-model', message: expect.stringMatching(/vittm-xl.*vittm-ti, vittm-s, vittm-b, vittm-l/) });
    expect((failure as UserError).fix).toMatch(/edgetune models/);

    const swapped = await start([{ kind: 'vit', id: 'vittm-b', seed: 1 }]).catch((error: unknown) => error);
    expect(swapped).toMatchObject({ code: 'unknown-model', message: 'vittm-b is a ViTTM, not a ViT' });
    expect((swapped as UserError).fix).toMatch(/--vittm vittm-b/);

    const tooMany = await start([{ kind: 'vit-tokens', id: 'vit-ti16', seed: 1, tokens: 300 }]).catch((error: unknown) => error);
    expect(tooMany).toMatchObject({ code: 'bad-token-count', message: expect.stringMatching(/300 tokens.*197/) });
  });

  it('turns a provider that cannot create the session into a UserError with the fix', async () => {
    const absent: ExecutionProvider = process.platform === 'win32' ? 'coreml' : 'dml';
    const backend = await start([{ kind: 'vittm', id: 'vittm-ti', seed: 1 }], absent);
    const failure = await backend.prepare(0).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect(failure).toMatchObject({ code: 'ep-failed', message: expect.stringMatching(new RegExp(`vittm-ti.*${absent} provider`)) });
    expect((failure as UserError).fix).toMatch(/--ep cpu/);
  });

  it('keeps at most maxSessions sessions alive and rebuilds an evicted one on its next visit', async () => {
    const alternate = async (maxSessions: number): Promise<number> => {
      const runner = await WorkloadRunner.create({ workloads: tinyModels.slice(0, 2), ep: 'cpu', batch: 1, seed: 1, maxSessions, ...threads });
      open.push(runner);
      for (const index of [0, 1, 0, 1]) {
        await runner.prepare(index);
        expect((await runner.time(index, 1))[0]).toBeGreaterThan(0);
      }
      return runner.sessionCount;
    };
    expect(await alternate(2)).toBe(2);
    expect(await alternate(1)).toBe(4);
  });
});
