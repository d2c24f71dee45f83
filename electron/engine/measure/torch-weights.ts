import { closeSync, openSync, writeSync } from 'node:fs';
import type { VitArchitecture } from '../models/architectures.js';
import { layerNormEpsilon, vitBlockWeights, vitHeadWeights, type VitBlockWeights, type VitHeadWeights } from '../models/vit-onnx.js';
import type { TorchModelSpec, TorchWeightTensor } from './torch-protocol.js';

/** timm's parameter name for each of EdgeTune's block tensors, and whether nn.Linear wants it transposed. */
const blockTensorNames: Record<keyof VitBlockWeights, { name: string; transpose: boolean }> = {
  norm1Weight: { name: 'norm1.weight', transpose: false },
  norm1Bias: { name: 'norm1.bias', transpose: false },
  qkvWeight: { name: 'attn.qkv.weight', transpose: true },
  qkvBias: { name: 'attn.qkv.bias', transpose: false },
  projWeight: { name: 'attn.proj.weight', transpose: true },
  projBias: { name: 'attn.proj.bias', transpose: false },
  norm2Weight: { name: 'norm2.weight', transpose: false },
  norm2Bias: { name: 'norm2.bias', transpose: false },
  fc1Weight: { name: 'mlp.fc1.weight', transpose: true },
  fc1Bias: { name: 'mlp.fc1.bias', transpose: false },
  fc2Weight: { name: 'mlp.fc2.weight', transpose: true },
  fc2Bias: { name: 'mlp.fc2.bias', transpose: false },
  ls1Gamma: { name: 'ls1.gamma', transpose: false },
  ls2Gamma: { name: 'ls2.gamma', transpose: false },
};

const headTensorNames: Record<keyof VitHeadWeights, { name: string; transpose: boolean }> = {
  normWeight: { name: 'norm.weight', transpose: false },
  normBias: { name: 'norm.bias', transpose: false },
  headWeight: { name: 'head.weight', transpose: true },
  headBias: { name: 'head.bias', transpose: false },
};

/** [in, out] shapes as the ONNX graph holds them; a vector is [length] */
function blockShapes(arch: VitArchitecture): Record<keyof VitBlockWeights, number[]> {
  const width = arch.width;
  const hidden = arch.mlpRatio * width;
  return {
    norm1Weight: [width],
    norm1Bias: [width],
    qkvWeight: [width, 3 * width],
    qkvBias: [3 * width],
    projWeight: [width, width],
    projBias: [width],
    norm2Weight: [width],
    norm2Bias: [width],
    fc1Weight: [width, hidden],
    fc1Bias: [hidden],
    fc2Weight: [hidden, width],
    fc2Bias: [width],
    ls1Gamma: [width],
    ls2Gamma: [width],
  };
}

/**
 * Writes the exact weights `buildVitOnnx` puts in a block or encoder for `seed` into one float32
 * file, and says where each tensor lies. The PyTorch backend loads them as they are, so its model
 * computes what the ONNX graph computes without re-implementing EdgeTune's generator in Python.
 * Blocks are generated and written one at a time: ViT-L's 1.2 GB never sit in memory at once.
 */
export function writeVitWeights(arch: VitArchitecture, options: { part: 'block' | 'encoder'; seed: number; blocks?: number; file: string }): Extract<TorchModelSpec, { kind: 'vit' }> {
  const blocks = options.blocks ?? (options.part === 'block' ? 1 : arch.depth);
  const tensors: TorchWeightTensor[] = [];
  const handle = openSync(options.file, 'w');
  let offset = 0;
  const write = (name: string, values: Float32Array, shape: number[], transpose: boolean) => {
    writeSync(handle, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    tensors.push({ name, shape, offset, transpose });
    offset += values.length;
  };
  try {
    const shapes = blockShapes(arch);
    for (let index = 0; index < blocks; index++) {
      const weights = vitBlockWeights(arch, { seed: options.seed, index });
      for (const key of Object.keys(blockTensorNames) as (keyof VitBlockWeights)[]) {
        const values = weights[key];
        if (values === null) continue;
        write(`blocks.${index}.${blockTensorNames[key].name}`, values, shapes[key], blockTensorNames[key].transpose);
      }
    }
    if (options.part === 'encoder') {
      const head = vitHeadWeights(arch, { seed: options.seed });
      const headShapes: Record<keyof VitHeadWeights, number[]> = {
        normWeight: [arch.width],
        normBias: [arch.width],
        headWeight: [arch.width, arch.classes],
        headBias: [arch.classes],
      };
      for (const key of Object.keys(headTensorNames) as (keyof VitHeadWeights)[]) {
        write(headTensorNames[key].name, head[key], headShapes[key], headTensorNames[key].transpose);
      }
    }
  } finally {
    closeSync(handle);
  }
  return {
    kind: 'vit',
    part: options.part,
    width: arch.width,
    heads: arch.heads,
    mlpRatio: arch.mlpRatio,
    blocks,
    layerScale: arch.layerScale,
    classes: arch.classes,
    layerNormEpsilon,
    weightsFile: options.file,
    tensors,
  };
}
