import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../electron/engine/errors.js';
import { runSweepJob } from '../../../electron/engine/jobs/sweep-job.js';
import { locateTrtexec, TrtBackend } from '../../../electron/engine/measure/trt-backend.js';

/**
 * A stand-in for TensorRT's trtexec (no GPU here): it checks the flags EdgeTune passes, "builds" an
 * engine file that remembers its shape range, and answers timing runs the way trtexec does, with
 * --exportTimes traces (warm-up included) of a staircase: +20 µs from 33 tokens on.
 */
const fakeTrtexec = `
import { appendFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
const args = process.argv.slice(2);
const flag = (name) => args.find((arg) => arg.startsWith('--' + name + '='))?.slice(name.length + 3);
if (process.env.FAKE_TRTEXEC_LOG) appendFileSync(process.env.FAKE_TRTEXEC_LOG, JSON.stringify(args) + '\\n');
const banner = (verdict) => console.log('&&&& ' + verdict + ' TensorRT.trtexec [TensorRT v100300] # trtexec ' + args.join(' '));
const fail = (message) => { console.log('[11/26/2026-10:00:00] [E] ' + message); banner('FAILED'); process.exit(1); };
banner('RUNNING');
if (args[0] === '--help') {
  console.log('  --onnx=<file> --saveEngine=<file> --loadEngine=<file> --minShapes=spec --optShapes=spec --maxShapes=spec');
  console.log('  --fp16 --bf16 --noTF32 --skipInference --shapes=spec --iterations=N --warmUp=N --duration=N');
  console.log('  --noDataTransfers --useSpinWait --useCudaGraph --exportTimes=<file>');
  banner('PASSED');
  process.exit(0);
}
const dims = (spec) => spec.split(':')[1].split('x').map(Number);
if (flag('onnx')) {
  if (!existsSync(flag('onnx'))) fail('Cannot open ONNX file');
  writeFileSync(flag('saveEngine'), JSON.stringify({ min: dims(flag('minShapes'))[1], max: dims(flag('maxShapes'))[1] }));
  banner('PASSED');
  process.exit(0);
}
const engine = JSON.parse(readFileSync(flag('loadEngine'), 'utf8'));
const tokens = dims(flag('shapes'))[1];
if (tokens < engine.min || tokens > engine.max) fail('IExecutionContext::setInputShape: Error Code 3: API Usage Error (tokens out of the profile range)');
console.log('[11/26/2026-10:00:00] [I] Selected Device: NVIDIA H100 80GB HBM3');
console.log('[11/26/2026-10:00:00] [I] Compute Capability: 9.0');
console.log('[11/26/2026-10:00:00] [I] SMs: 132');
const warmUpMs = Number(flag('warmUp'));
const iterations = Number(flag('iterations'));
const computeMs = 0.1 + (tokens >= 33 ? 0.02 : 0);
const trace = [];
for (let i = 0; i < 4 + iterations; i++) {
  const start = i < 4 ? i * (warmUpMs / 4) : warmUpMs + (i - 4) * 0.2;
  const ms = computeMs * (1 + 0.004 * Math.sin(i * 7.1));
  trace.push({ startEnqMs: start, endEnqMs: start + 0.01, startH2dMs: start, endH2dMs: start, startComputeMs: start, endComputeMs: start + ms, startD2hMs: start + ms, endD2hMs: start + ms, h2dMs: 0, computeMs: ms, d2hMs: 0, latencyMs: ms, endToEndMs: ms });
}
writeFileSync(flag('exportTimes'), JSON.stringify(trace, null, 1));
banner('PASSED');
`;

function installFakeTrtexec(): { trtexec: string; log: string; runs: () => string[][] } {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'edgetune-fake-trtexec-'));
  const trtexec = path.join(folder, 'trtexec');
  writeFileSync(trtexec, `#!${process.execPath}\n${fakeTrtexec}`);
  chmodSync(trtexec, 0o755);
  const log = path.join(folder, 'calls.jsonl');
  const runs = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]) : []);
  return { trtexec, log, runs };
}

describe('TensorRT backend through trtexec (a stand-in trtexec: no GPU here)', () => {
  it('builds one engine over the token range, then times each visit with one trtexec run', async () => {
    const fake = installFakeTrtexec();
    const env = { ...process.env, FAKE_TRTEXEC_LOG: fake.log };
    const backend = await TrtBackend.start({ model: { kind: 'builtin', id: 'vit-ti16', part: 'block', seed: 1 }, batch: 1, precision: 'fp16', cudaGraphs: true, tokenRange: { from: 2, to: 64 }, trtexec: fake.trtexec, env });
    try {
      const [help, build] = fake.runs();
      expect(help).toEqual(['--help']);
      expect(build).toEqual(
        expect.arrayContaining(['--minShapes=tokens:1x2x192', '--optShapes=tokens:1x64x192', '--maxShapes=tokens:1x64x192', '--fp16', '--skipInference']),
      );
      expect(build.find((arg) => arg.startsWith('--onnx='))).toMatch(/model\.onnx$/);

      await backend.prepare(40);
      const first = await backend.time(40, 3);
      const second = await backend.time(40, 5);
      expect([...first, ...second].every((ms) => Math.abs(ms - 0.12) < 0.001)).toBe(true);
      const timing = fake.runs().slice(2);
      expect(timing).toHaveLength(1); // the visit's later requests are served from the same run
      expect(timing[0]).toEqual(
        expect.arrayContaining(['--shapes=tokens:1x40x192', '--duration=0', '--warmUp=200', '--noDataTransfers', '--useSpinWait', '--useCudaGraph']),
      );
      expect(Number(timing[0].find((arg) => arg.startsWith('--iterations='))!.split('=')[1])).toBeGreaterThanOrEqual(8);
      // the clock advances by the inferences served, so the stopping rule sees real GPU time
      const clock = await backend.now();
      await backend.time(40, 2);
      expect((await backend.now()) - clock).toBeCloseTo(0.24, 2);

      await backend.prepare(10); // a new visit: a fresh run at its shape
      expect(Array.from(await backend.time(10, 2)).every((ms) => Math.abs(ms - 0.1) < 0.001)).toBe(true);
      expect(fake.runs().slice(2)).toHaveLength(2);

      const description = backend.describe();
      expect(description).toMatchObject({ backend: 'trt', ep: 'tensorrt', versions: { tensorrt: '10.3.0' }, epOptions: { precision: 'fp16', useCudaGraph: true } });
      expect(description.workload).toMatchObject({ device: 'NVIDIA H100 80GB HBM3', smCount: 132, inputName: 'tokens', width: 192 });
      await expect(backend.prepare(65)).rejects.toThrow(/65 tokens lie outside the engine's range 2\.\.64/);
    } finally {
      await backend.close();
    }
  });

  it('a failing trtexec run reports its [E] lines', async () => {
    const fake = installFakeTrtexec();
    const backend = await TrtBackend.start({ model: { kind: 'builtin', id: 'vit-ti16', part: 'block', seed: 1 }, batch: 1, precision: 'fp32', cudaGraphs: false, tokenRange: { from: 1, to: 16 }, trtexec: fake.trtexec });
    try {
      // bypass prepare's range check to make trtexec itself refuse the shape
      const error = await backend.time(30, 2).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toMatch(/^TensorRT failed at 30 tokens: trtexec exited with code 1: IExecutionContext::setInputShape/);
    } finally {
      await backend.close();
    }
  });

  it('a sweep with --backend trt records TensorRT and finds the stand-in staircase', async () => {
    const fake = installFakeTrtexec();
    const result = await runSweepJob({ model: 'vit-ti16', ep: 'auto', backend: 'trt', trtexec: fake.trtexec, tokens: '20:44', passes: 1, maxSurveyPoints: 10, strategy: 'block', validate: false });
    const profile = result.profile;
    expect(profile.complete).toBe(true);
    expect(profile.ep).toBe('tensorrt');
    expect(profile.backend).toMatchObject({ backend: 'trt', versions: { tensorrt: '10.3.0' } });
    expect(profile.unit).toBe('block');
    expect(profile.steps.map((step) => step.tokens)).toEqual([33]);
  });

  it('no trtexec: the message says where it looked and how to get it', () => {
    let error: unknown;
    try {
      locateTrtexec(undefined, { PATH: '/nonexistent' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('trtexec-missing');
    expect((error as UserError).message).toMatch(/TensorRT's trtexec was not found \(not on PATH, nor in \/usr\/src\/tensorrt\/bin/);
    expect((error as UserError).fix).toMatch(/install TensorRT.*--trtexec PATH/);
    expect(() => locateTrtexec('/nonexistent/trtexec')).toThrow(/--trtexec \/nonexistent\/trtexec does not exist/);
  });
});
