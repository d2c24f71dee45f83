// onnxruntime-node vs PyTorch on the fixed inputs train.py wrote (<model-dir>/training/parity.bin).
//
//   node resources/models/tiny-landscapes-32/training/parity.mjs [model-dir]
//
// Prints one JSON line; exits 1 when the largest difference exceeds the
// fixture's tolerance, so the export cannot silently drift from the weights.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelDir = process.argv[2] ?? path.join(here, '..');
const fixtureDir = path.join(modelDir, 'training');
const spec = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'parity.json'), 'utf8'));
const bytes = fs.readFileSync(path.join(fixtureDir, spec.file));

const tensors = {};
let offset = 0;
for (const { name, shape } of spec.tensors) {
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = bytes.readFloatLE(offset + 4 * i);
  offset += 4 * count;
  tensors[name] = new ort.Tensor('float32', data, shape);
}

const session = await ort.InferenceSession.create(path.join(modelDir, 'denoiser.onnx'), {
  executionProviders: ['cpu'],
  intraOpNumThreads: 2,
});
const out = await session.run({ sample: tensors.sample, timestep: tensors.timestep });
const got = out.noise_pred.data;
const want = tensors.noise_pred.data;
let maxAbs = 0;
let sumAbs = 0;
let maxRef = 0;
for (let i = 0; i < want.length; i++) {
  const d = Math.abs(got[i] - want[i]);
  maxAbs = Math.max(maxAbs, d);
  sumAbs += d;
  maxRef = Math.max(maxRef, Math.abs(want[i]));
}
const ok = got.length === want.length && maxAbs <= spec.tolerance;
console.log(JSON.stringify({
  ok,
  maxAbsError: maxAbs,
  meanAbsError: sumAbs / want.length,
  maxAbsReference: maxRef,
  tolerance: spec.tolerance,
  shape: out.noise_pred.dims,
  inputs: session.inputNames,
  outputs: session.outputNames,
}));
process.exit(ok ? 0 : 1);
