/**
 * Hand-set weights make each method's choice predictable, so the kept (or merged) tokens can be
 * named in advance. The attention projection and the MLP's output layer are zero, so a block hands
 * on exactly the tokens its reduction kept: every output row is an input row, a mean, or a merge.
 *
 * Tokens are x = [u, −u] for a 4-vector u: LayerNorm then gives 2u/|u| exactly (zero mean), so keys
 * and queries are linear in the direction of u.
 */
import { describe, expect, it } from 'vitest';
import type { VitArchitecture } from '../../../electron/engine/models/architectures.js';
import { buildPrunedVitOnnx, type PrunedVitBuildOptions } from '../../../electron/engine/prune/index.js';
import { createSession, flatTokens, floats, imageRows, maxAbsDifference, runTokens } from './onnx-session.js';

const arch: VitArchitecture = {
  id: 'selection',
  family: 'vit',
  depth: 2,
  width: 8,
  heads: 1,
  mlpRatio: 4,
  patchSize: 16,
  imageSize: 224,
  tokens: 10,
  classes: 3,
  layerScale: false,
};
const width = arch.width;
const hidden = arch.mlpRatio * width;

type Vector4 = readonly [number, number, number, number];
const token = (u: Vector4): number[] => [...u, ...u.map((value) => -value)];

/** The qkv matrix is [width, 3·width]: columns 0–7 make q, 8–15 k, 16–23 v. */
interface QkvEntry {
  readonly from: number;
  readonly to: 'q' | 'k' | 'v';
  readonly column: number;
  readonly weight: number;
}

function passThroughBlock(index: number, qkv: readonly QkvEntry[], qkvBias: Readonly<Record<number, number>> = {}): [string, Float32Array][] {
  const weight = new Float32Array(width * 3 * width);
  const slot = { q: 0, k: 1, v: 2 };
  for (const entry of qkv) weight[entry.from * 3 * width + slot[entry.to] * width + entry.column] = entry.weight;
  const bias = new Float32Array(3 * width);
  for (const [column, value] of Object.entries(qkvBias)) bias[Number(column)] = value;
  const name = (tensor: string): string => `blocks.${index}.${tensor}`;
  return [
    [name('attn.qkv.weight'), weight],
    [name('attn.qkv.bias'), bias],
    [name('attn.proj.weight'), new Float32Array(width * width)],
    [name('attn.proj.bias'), new Float32Array(width)],
    [name('mlp.fc2.weight'), new Float32Array(hidden * width)],
    [name('mlp.fc2.bias'), new Float32Array(width)],
  ];
}

/** Runs a one-block model (so that per-layer methods are checked against one layer's tokens). */
async function firstBlockOutput(options: PrunedVitBuildOptions, images: number[][][]): Promise<number[][][]> {
  const built = buildPrunedVitOnnx({ ...arch, depth: 1 }, { ...options, layerOutputs: true });
  const session = await createSession(built.bytes);
  const outputs = await runTokens(session, flatTokens(images), [images.length, images[0].length, width]);
  return images.map((_, image) => imageRows(outputs[built.layerOutputs[0].tokens], image));
}

function expectRows(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  expect(maxAbsDifference(actual.flat(), expected.flat())).toBeLessThan(1e-5);
}

const mean = (rows: number[][]): number[] => rows[0].map((_, d) => rows.reduce((sum, row) => sum + row[d], 0) / rows.length);

describe('POMT and Top-K keep the tokens their scores single out', () => {
  const cls = token([0, 0, 0, 1]);
  // P: patch tokens attend to these (large u₀), best first; C: the CLS token attends to these (large u₁)
  const p = [0.1, 0.2, 0.3].map((angle) => token([Math.cos(angle), 0, Math.sin(angle), 0]));
  const c = [0.1, 0.2].map((angle) => token([0, Math.cos(angle), Math.sin(angle), 0]));
  const o = [0, 1, 2, 3].map((k) => token([-0.5, -0.5, 0.5 + 0.1 * k, 0]));
  // two images, the roles at different positions
  const images = [
    [cls, o[0], p[1], c[0], o[1], p[0], o[2], c[1], p[2], o[3]],
    [cls, p[2], c[1], o[3], o[2], o[1], p[1], o[0], p[0], c[0]],
  ];
  const others = [...c, ...o];

  // k = (u₀, u₁) direction; patch queries (u₃ = 0) look along u₀, the CLS query (u₃ = 1) along u₁
  const sharpness = 20;
  const attentionDriven = passThroughBlock(
    0,
    [
      { from: 0, to: 'k', column: 0, weight: 1 },
      { from: 1, to: 'k', column: 1, weight: 1 },
      { from: 3, to: 'q', column: 0, weight: -sharpness / 2 },
      { from: 3, to: 'q', column: 1, weight: sharpness / 2 },
    ],
    { 0: sharpness },
  );

  it('POMT keeps the patch tokens other patch tokens attend to, best first, and fuses the rest into their mean', async () => {
    const weights = new Map(attentionDriven);
    // 10 tokens, remove 5 → 5 continue: CLS, the 3 P tokens, one fused token
    const out = await firstBlockOutput({ method: 'pomt', layers: [{ layer: 0, remove: 5 }], seed: 1, weights }, images);
    for (const rows of out) expectRows(rows, [cls, p[0], p[1], p[2], mean(others)]);
  });

  it('Top-K keeps the patch tokens the CLS token attends to, most attended first', async () => {
    const weights = new Map(attentionDriven);
    const out = await firstBlockOutput({ method: 'topk', perLayer: 7, seed: 1, weights }, images);
    for (const rows of out) expectRows(rows, [cls, c[0], c[1]]);
  });

  it('POMT\'s value term decides when attention is uniform', async () => {
    // q = 0 gives uniform attention; v₀ = u₀·2/|u| (feature 1 → ranks by u₁): the C tokens win
    const weights = new Map(passThroughBlock(0, [{ from: 1, to: 'v', column: 0, weight: 1 }]));
    const out = await firstBlockOutput({ method: 'pomt', layers: [{ layer: 0, remove: 6 }], seed: 1, weights }, images);
    for (const rows of out) expectRows(rows, [cls, c[0], c[1], mean([...p, ...o])]);
  });
});

describe('ToMe merges the most similar A→B pairs and weights merges by size', () => {
  // A = even indices (CLS protected), B = odd indices. Keys are LayerNorm(x), so similarity is cos(u, u').
  const u: Vector4[] = [
    [1, 0, 0, 0], // 0 CLS, identical to token 3 yet never merged
    [0, 1, 0, 0], // 1 B
    [0, 0, 1, 0.1], // 2 A ≈ 7
    [1, 0, 0, 0], // 3 B
    [-1, 0, 0, 0], // 4 A, like nothing in B; ≈ 8
    [0, 0, 1, 0.5], // 5 B
    [0, 1, 0.03, 0], // 6 A ≈ 1 (the closest pair)
    [0, 0, 1, 0], // 7 B
    [-1, -0.2, 0, 0], // 8 A ≈ 4
  ];
  const x = u.map(token);
  const keysAreLayerNorm = (index: number): [string, Float32Array][] =>
    passThroughBlock(index, Array.from({ length: width }, (_, i) => ({ from: i, to: 'k' as const, column: i, weight: 1 })));
  const weights = new Map([...keysAreLayerNorm(0), ...keysAreLayerNorm(1)]);
  // the second image is the first scaled: LayerNorm sees the same directions, the merges carry other values
  const images = [x, x.map((row) => row.map((value) => 3 * value))];

  it('merges 6→1 and 2→7 in layer 0, then 8→4 and the size-2 token (2+7)→5 in layer 1', async () => {
    const built = buildPrunedVitOnnx(arch, { method: 'tome', perLayer: 2, seed: 1, weights, layerOutputs: true, inputTokens: 9 });
    expect(built.tokensAfterLayer).toEqual([7, 5]);
    const session = await createSession(built.bytes);
    const outputs = await runTokens(session, flatTokens(images), [2, 9, width]);
    const [layer0, layer1] = built.layerOutputs;
    expect(floats(outputs[layer0.sizes!])).toEqual([1, 1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 1, 1, 2]);
    expect(floats(outputs[layer1.sizes!])).toEqual([1, 1, 2, 2, 3, 1, 1, 2, 2, 3]);
    images.forEach((image, index) => {
      const [cls, t1, t2, t3, t4, t5, t6, t7, t8] = image;
      expectRows(imageRows(outputs[layer0.tokens], index), [cls, t4, t8, mean([t1, t6]), t3, t5, mean([t2, t7])]);
      expectRows(imageRows(outputs[layer1.tokens], index), [cls, t3, mean([t4, t8]), mean([t1, t6]), mean([t2, t7, t5])]);
    });
  });

  it('merges all of A when r is at its limit, then fewer as tokens run out', async () => {
    const built = buildPrunedVitOnnx(arch, { method: 'tome', perLayer: 4, seed: 1, weights, layerOutputs: true, inputTokens: 9 });
    expect(built.tokensAfterLayer).toEqual([5, 3]);
    const session = await createSession(built.bytes);
    const outputs = await runTokens(session, flatTokens(images), [2, 9, width]);
    const [layer0, layer1] = built.layerOutputs;
    expect(outputs[layer0.tokens].dims).toEqual([2, 5, width]);
    expect(outputs[layer1.tokens].dims).toEqual([2, 3, width]);
    // every A token merged into its best B partner: 6→1, 2→7, and 4 and 8, orthogonal to several B
    // tokens, into the first of those (1 and 5), as ONNX TopK and torch.max break ties
    expect(floats(outputs[layer0.sizes!])).toEqual([1, 3, 1, 2, 2, 1, 3, 1, 2, 2]);
    expect(floats(outputs[layer1.sizes!])).toEqual([1, 4, 4, 1, 4, 4]);
  });
});
