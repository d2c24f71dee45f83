/**
 * A plain, slow reference of the pre-norm ViT block and head, written from the equations, to check
 * the ONNX graphs against. Float64 throughout; tensors are row-major Float32Array / number[].
 */
import type { VitArchitecture } from '../../../electron/engine/models/architectures.js';
import type { VitBlockWeights, VitHeadWeights } from '../../../electron/engine/models/vit-onnx.js';

export type Matrix = number[][];

export function layerNorm(rows: Matrix, scale: Float32Array, shift: Float32Array, epsilon: number): Matrix {
  return rows.map((row) => {
    const mean = row.reduce((sum, value) => sum + value, 0) / row.length;
    const variance = row.reduce((sum, value) => sum + (value - mean) ** 2, 0) / row.length;
    const inverse = 1 / Math.sqrt(variance + epsilon);
    return row.map((value, i) => (value - mean) * inverse * scale[i] + shift[i]);
  });
}

/** rows [n, in] · weight [in, out] + bias */
export function linear(rows: Matrix, weight: Float32Array, bias: Float32Array): Matrix {
  const outWidth = bias.length;
  return rows.map((row) =>
    Array.from({ length: outWidth }, (_, column) => {
      let sum = bias[column];
      for (let i = 0; i < row.length; i++) sum += row[i] * weight[i * outWidth + column];
      return sum;
    }),
  );
}

/** Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, plenty for a 1e-4 comparison. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-x * x));
}

export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

function attention(rows: Matrix, arch: VitArchitecture): Matrix {
  const width = arch.width;
  const headWidth = width / arch.heads;
  const out = rows.map(() => new Array<number>(width).fill(0));
  for (let head = 0; head < arch.heads; head++) {
    const slice = (row: number[], part: number): number[] =>
      row.slice(part * width + head * headWidth, part * width + (head + 1) * headWidth);
    const q = rows.map((row) => slice(row, 0));
    const k = rows.map((row) => slice(row, 1));
    const v = rows.map((row) => slice(row, 2));
    for (let i = 0; i < rows.length; i++) {
      const scores = k.map((key) => key.reduce((sum, value, d) => sum + value * q[i][d], 0) / Math.sqrt(headWidth));
      const top = Math.max(...scores);
      const weights = scores.map((score) => Math.exp(score - top));
      const total = weights.reduce((sum, value) => sum + value, 0);
      for (let j = 0; j < rows.length; j++) {
        for (let d = 0; d < headWidth; d++) out[i][head * headWidth + d] += (weights[j] / total) * v[j][d];
      }
    }
  }
  return out;
}

function scaled(rows: Matrix, gamma: Float32Array | null): Matrix {
  return gamma === null ? rows : rows.map((row) => row.map((value, i) => value * gamma[i]));
}

function added(a: Matrix, b: Matrix): Matrix {
  return a.map((row, i) => row.map((value, j) => value + b[i][j]));
}

/** One image's tokens [n, width] through one block. */
export function referenceBlock(tokens: Matrix, arch: VitArchitecture, w: VitBlockWeights, epsilon: number): Matrix {
  const qkv = linear(layerNorm(tokens, w.norm1Weight, w.norm1Bias, epsilon), w.qkvWeight, w.qkvBias);
  const projected = linear(attention(qkv, arch), w.projWeight, w.projBias);
  const afterAttention = added(tokens, scaled(projected, w.ls1Gamma));
  const hidden = linear(layerNorm(afterAttention, w.norm2Weight, w.norm2Bias, epsilon), w.fc1Weight, w.fc1Bias);
  const mlp = linear(hidden.map((row) => row.map(gelu)), w.fc2Weight, w.fc2Bias);
  return added(afterAttention, scaled(mlp, w.ls2Gamma));
}

/** One image's logits from its tokens after the last block. */
export function referenceHead(tokens: Matrix, w: VitHeadWeights, epsilon: number): number[] {
  const [cls] = layerNorm([tokens[0]], w.normWeight, w.normBias, epsilon);
  return linear([cls], w.headWeight, w.headBias)[0];
}

/** Splits a flat [batch, tokens, width] tensor into per-image token matrices. */
export function toImages(data: Float32Array, batch: number, tokens: number, width: number): Matrix[] {
  return Array.from({ length: batch }, (_, b) =>
    Array.from({ length: tokens }, (_, n) => Array.from(data.subarray((b * tokens + n) * width, (b * tokens + n + 1) * width))),
  );
}
