import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { resolveModel } from '../../../electron/engine/models/architectures.js';
import { buildVitOnnx } from '../../../electron/engine/models/vit-onnx.js';
import { TorchBackend } from '../../../electron/engine/measure/torch-backend.js';
import { DEFAULT_SWEEP_OPTIONS, runSweep } from '../../../electron/engine/measure/sweep.js';
import { UserError } from '../../../electron/engine/errors.js';
import { createRng } from '../../../electron/engine/util/rng.js';

/** CI installs Debian's python3-torch and sets EDGETUNE_EXPECT_TORCH=1, so a missing torch fails there instead of skipping. */
const expectTorch = process.env.EDGETUNE_EXPECT_TORCH === '1';
const systemTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();

const seed = 5;
const batch = 2;
const tokens = 9;

function randomInput(width: number): Float32Array {
  const rng = createRng(11);
  return Float32Array.from({ length: batch * tokens * width }, () => rng.normal());
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function onnxOutput(id: string, part: 'block' | 'encoder', input: Float32Array): Promise<{ dims: readonly number[]; values: Float32Array }> {
  const arch = resolveModel(id);
  const built = buildVitOnnx(arch, { part, seed });
  const session = await ort.InferenceSession.create(built.bytes);
  try {
    const output = (await session.run({ tokens: new ort.Tensor('float32', input, [batch, tokens, arch.width]) }))[built.outputName];
    return { dims: output.dims, values: output.data as Float32Array };
  } finally {
    await session.release();
  }
}

describe.runIf(systemTorch || expectTorch)('PyTorch backend: the same network as the ONNX builders (real python3 + torch, CPU, fp32)', () => {
  const cases: { id: string; part: 'block' | 'encoder'; what: string }[] = [
    { id: 'vit-ti16', part: 'block', what: 'a ViT block' },
    { id: 'dinov2-s14', part: 'block', what: 'a DINOv2 block (LayerScale)' },
    { id: 'vit-ti16', part: 'encoder', what: 'a whole encoder with its final norm and head' },
  ];
  for (const { id, part, what } of cases) {
    it(`${what}: ${id} outputs match the ONNX graph for the same seed within 1e-4`, async () => {
      const arch = resolveModel(id);
      const input = randomInput(arch.width);
      const expected = await onnxOutput(id, part, input);
      const backend = await TorchBackend.start({ model: { kind: 'builtin', id, part, seed }, device: 'cpu', dtype: 'fp32', cudaGraphs: false, batch, seed });
      try {
        const actual = await backend.forward(tokens, input);
        expect(actual.shape).toEqual([...expected.dims]);
        const difference = maxAbsDifference(actual.values, expected.values);
        expect(difference).toBeLessThanOrEqual(1e-4);
        // outputs far larger than the tolerance: the match is not an accident of near-zero values
        expect(Math.max(...Array.from(expected.values, Math.abs))).toBeGreaterThan(1e-2);
      } finally {
        await backend.close();
      }
    });
  }
});

describe.runIf(systemTorch || expectTorch)('PyTorch backend: timing through the python process', () => {
  it('times k iterations at a token count and records python, torch and the settings', async () => {
    const backend = await TorchBackend.start({ model: { kind: 'builtin', id: 'vit-ti16', part: 'block', seed }, device: 'cpu', dtype: 'fp32', cudaGraphs: false, batch: 1, seed });
    try {
      await backend.prepare(5);
      const times = await backend.time(5, 4);
      expect(times).toHaveLength(4);
      for (const ms of times) expect(ms).toBeGreaterThan(0);
      const before = await backend.now();
      await backend.time(7, 2);
      expect(await backend.now()).toBeGreaterThan(before);
      const description = backend.describe();
      expect(description.backend).toBe('torch');
      expect(description.ep).toBe('cpu');
      expect(description.versions?.torch).toMatch(/^\d+\.\d+/);
      expect(description.versions?.python).toMatch(/^3\./);
      expect(description.epOptions).toMatchObject({ dtype: 'fp32', cudaGraphs: false });
      expect(description.workload).toMatchObject({ model: { id: 'vit-ti16', part: 'block', output: 'mean' }, batch: 1, width: 192 });
    } finally {
      await backend.close();
    }
  });

  it("a user's module (file.py:factory): a failing request is a clear error, prints stay out of the protocol, the process keeps serving", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'edgetune-user-module-'));
    const file = path.join(folder, 'picky.py');
    writeFileSync(
      file,
      [
        'import torch',
        'class Picky(torch.nn.Module):',
        '    embed_dim = 8',
        '    def __init__(self):',
        '        torch.nn.Module.__init__(self)',
        '        self.linear = torch.nn.Linear(8, 8)',
        '    def forward(self, x):',
        '        print("forward at", x.shape[1], "tokens")',
        '        if x.shape[1] > 10:',
        '            raise ValueError("this model takes at most 10 tokens")',
        '        return self.linear(x)',
        'def make():',
        '    return Picky()',
        '',
      ].join('\n'),
    );
    const backend = await TorchBackend.start({ model: { kind: 'module', spec: `${file}:make` }, device: 'cpu', dtype: 'fp32', cudaGraphs: false, batch: 1, seed });
    try {
      expect(backend.describe().workload).toMatchObject({ model: { module: `${file}:make` }, width: 8 });
      expect(await backend.time(5, 2)).toHaveLength(2);
      const failure = await backend.time(12, 2).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UserError);
      expect((failure as UserError).code).toBe('torch-run-failed');
      expect((failure as UserError).message).toBe("PyTorch failed to run 'time' at 12 tokens (cpu, fp32): this model takes at most 10 tokens");
      expect(await backend.time(3, 2)).toHaveLength(2);
    } finally {
      await backend.close();
    }
  });

  it('a backend process that dies mid-sweep stops the sweep with an error; the counts measured before are kept', async () => {
    const backend = await TorchBackend.start({ model: { kind: 'builtin', id: 'vit-ti16', part: 'block', seed }, device: 'cpu', dtype: 'fp32', cudaGraphs: false, batch: 1, seed });
    let visits = 0;
    try {
      const sweep = await runSweep(backend, {
        ...DEFAULT_SWEEP_OPTIONS,
        from: 1,
        to: 24,
        passes: 1,
        onVisit: () => {
          visits += 1;
          if (visits === 4) process.kill(backend.pid!, 'SIGKILL');
        },
      });
      expect(sweep.complete).toBe(false);
      expect(sweep.failure).toBeInstanceOf(UserError);
      expect((sweep.failure as UserError).code).toBe('torch-backend-died');
      expect(sweep.failure!.message).toMatch(/PyTorch backend process \(pid \d+, .*python3.*\) stopped during '(prepare|time)' at \d+ tokens: it was killed \(SIGKILL\)/);
      expect((sweep.failure as UserError).fix).toMatch(/keeps the counts measured/);
      expect(sweep.visits.length).toBe(4);
      expect(sweep.points.length).toBeGreaterThan(0);
      // later requests fail the same way instead of hanging
      await expect(backend.time(3, 1)).rejects.toThrow(/stopped during 'time'/);
    } finally {
      await backend.close();
    }
  });
});
