import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { resolveModel } from '../../../electron/engine/models/architectures.js';
import { buildVitOnnx } from '../../../electron/engine/models/vit-onnx.js';
import { createRng } from '../../../electron/engine/util/rng.js';

describe('block graphs built for timing', () => {
  it('hand back the mean of the block output: the same computation, one number to copy back', async () => {
    const arch = resolveModel('vit-ti16');
    const tokensOut = await ort.InferenceSession.create(buildVitOnnx(arch, { part: 'block', seed: 3 }).bytes);
    const built = buildVitOnnx(arch, { part: 'block', seed: 3, blockOutput: 'mean' });
    expect(built.outputName).toBe('out_mean');
    const meanOut = await ort.InferenceSession.create(built.bytes);
    const rng = createRng(4);
    for (const tokens of [1, 17, 197]) {
      const input = new ort.Tensor('float32', Float32Array.from({ length: 2 * tokens * arch.width }, () => rng.normal()), [2, tokens, arch.width]);
      const full = (await tokensOut.run({ tokens: input })).out.data as Float32Array;
      const mean = (await meanOut.run({ tokens: input })).out_mean;
      expect(mean.dims).toEqual([]);
      const expected = full.reduce((sum, value) => sum + value, 0) / full.length;
      expect(Math.abs((mean.data as Float32Array)[0] - expected)).toBeLessThan(1e-5);
    }
  });
});
