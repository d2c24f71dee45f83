// CPU latency of the shipped denoiser under onnxruntime-node: one call at batch 1,
// and one whole image (N DDIM steps, sampler arithmetic included).
//
//   node resources/models/tiny-landscapes-32/training/latency.mjs [model-dir|file.onnx] [--threads 2] [--steps 20]
//
// Prints one JSON line. The machine is shared and drifts, so we interleave
// nothing fancy here: warm up, then take the median of many repeats.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const target = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--'))) ?? path.join(here, '..');
const threads = Number(flag('--threads', 2));
const steps = Number(flag('--steps', 20));
const onnxPath = target.endsWith('.onnx') ? target : path.join(target, 'denoiser.onnx');
const modelJson = target.endsWith('.onnx') ? null : JSON.parse(fs.readFileSync(path.join(target, 'model.json'), 'utf8'));
const size = modelJson?.imageSize ?? 32;

const session = await ort.InferenceSession.create(onnxPath, {
  executionProviders: ['cpu'],
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
});

const n = 3 * size * size;
const sample = new Float32Array(n);
for (let i = 0; i < n; i++) sample[i] = Math.sin(i * 12.9898) * 0.9;
const feeds = (x, t) => ({
  sample: new ort.Tensor('float32', x, [1, 3, size, size]),
  timestep: new ort.Tensor('float32', Float32Array.of(t), [1]),
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

for (let i = 0; i < 30; i++) await session.run(feeds(sample, 500));
const callMs = [];
for (let i = 0; i < 300; i++) {
  const t0 = process.hrtime.bigint();
  await session.run(feeds(sample, (i * 37) % 1000));
  callMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
}

// The sampler in model.json: DDIM, trailing timestep spacing, linear betas, x0
// clipped, eta = 1 on the late steps with noise frozen per run. The same loop
// the engine runs, so the per-image figure includes the sampler's arithmetic.
const sched = modelJson?.scheduler ?? {};
const T = sched.trainTimesteps ?? 1000;
const b0 = sched.betaStart ?? 1e-4;
const b1 = sched.betaEnd ?? 0.02;
const lateEta = sched.lateEta?.eta ?? 0;
const lateBelow = sched.lateEta?.belowTimestep ?? 0;
const alphaBar = new Float64Array(T);
let prod = 1;
for (let t = 0; t < T; t++) {
  prod *= 1 - (b0 + ((b1 - b0) * t) / (T - 1));
  alphaBar[t] = prod;
}
const timesteps = Array.from({ length: steps }, (_, i) => Math.round(T - 1 - (i * T) / steps));
let state = 12345;
const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
const frozen = timesteps.map(() => Float32Array.from({ length: n }, () =>
  Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())));
async function image(seedNoise) {
  const x = Float32Array.from(seedNoise);
  for (let i = 0; i < steps; i++) {
    const t = timesteps[i];
    const prev = i + 1 < steps ? alphaBar[timesteps[i + 1]] : 1;
    const a = alphaBar[t];
    const eta = t < lateBelow ? lateEta : 0;
    const sigma = eta * Math.sqrt(((1 - prev) / (1 - a)) * (1 - a / prev));
    const keep = Math.sqrt(Math.max(0, 1 - prev - sigma * sigma));
    const out = await session.run(feeds(x, t));
    const eps = out.noise_pred.data;
    const z = frozen[i];
    for (let j = 0; j < n; j++) {
      const x0 = Math.max(-1, Math.min(1, (x[j] - Math.sqrt(1 - a) * eps[j]) / Math.sqrt(a)));
      const e = (x[j] - Math.sqrt(a) * x0) / Math.sqrt(1 - a);
      x[j] = Math.sqrt(prev) * x0 + keep * e + sigma * z[j];
    }
  }
  return x;
}
await image(sample);
const imageMs = [];
for (let i = 0; i < 15; i++) {
  const t0 = process.hrtime.bigint();
  await image(sample);
  imageMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
}

console.log(JSON.stringify({
  onnx: path.relative(process.cwd(), onnxPath),
  onnxBytes: fs.statSync(onnxPath).size,
  ort: ort.env.versions?.common ?? null,
  ep: 'cpu',
  intraOpNumThreads: threads,
  cpu: os.cpus()[0]?.model,
  cpus: os.cpus().length,
  loadavg1: os.loadavg()[0],
  batch: 1,
  callMedianMs: +median(callMs).toFixed(3),
  callP10Ms: +quantile(callMs, 0.1).toFixed(3),
  callP90Ms: +quantile(callMs, 0.9).toFixed(3),
  steps,
  imageMedianMs: +median(imageMs).toFixed(2),
  imageP10Ms: +quantile(imageMs, 0.1).toFixed(2),
  imageP90Ms: +quantile(imageMs, 0.9).toFixed(2),
}));
