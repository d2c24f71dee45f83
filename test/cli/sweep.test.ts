import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../electron/engine/contracts/profile.js';
import { createGraphBuilder } from '../../electron/engine/models/onnx/graph.js';
import { buildVitOnnx } from '../../electron/engine/models/vit-onnx.js';
import { resolveModel } from '../../electron/engine/models/architectures.js';
import { runCli, tempDir } from './run-cli.js';

const quickSweep = ['--ep', 'cpu', '--passes', '1', '--quiet'];

describe('edgetune sweep (real onnxruntime, end to end)', () => {
  it('sweeps a built-in block, checks the whole-model prediction and writes the run folder', async () => {
    const out = path.join(tempDir('edgetune-sweep-'), 'run');
    const result = await runCli(['sweep', '--model', 'vit-ti16', '--tokens', '1:24', '--strategy', 'block', ...quickSweep, '--out', out, '--json']);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    const saved = JSON.parse(readFileSync(path.join(out, 'profile.json'), 'utf8'));
    expect(printed).toEqual(saved);
    const profile = profileSchema.parse(saved);
    expect(profile.complete).toBe(true);
    expect(profile.ep).toBe('cpu');
    expect(profile.points.map((point) => point.tokens)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    for (const point of profile.points) {
      expect(point.medianMs).toBeGreaterThan(0);
      expect(point.p10Ms).toBeLessThanOrEqual(point.p90Ms);
      expect(point.samples).toBeGreaterThanOrEqual(7);
    }
    expect(saved.unit).toBe('block');
    expect(saved.strategy.chosen).toBe('block');
    expect(saved.fullModel.checks.length).toBeGreaterThanOrEqual(3);
    expect(saved.fullModel.checks.every((check: { measuredMs: number }) => check.measuredMs > 0)).toBe(true);
    expect(saved.backend.versions.onnxruntime).toBe('1.30.0');
    const csv = readFileSync(path.join(out, 'profile.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('tokens,median_ms,p10_ms,p90_ms,samples');
    expect(csv).toHaveLength(25);
    const raw = readFileSync(path.join(out, 'raw-timings.csv'), 'utf8').trim().split('\n');
    expect(raw[0]).toBe('workload,phase,pass,tokens,is_reference,visit,visit_started_ms,iteration,ms');
    expect(raw.length - 1).toBeGreaterThanOrEqual(profile.points.reduce((sum, point) => sum + point.samples, 0));
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).status).toBe('complete');
  });

  it("accepts a user's own ONNX file with a dynamic token axis", async () => {
    const folder = tempDir('edgetune-user-model-');
    const file = path.join(folder, 'my-block.onnx');
    writeFileSync(file, buildVitOnnx(resolveModel('vit-ti16'), { part: 'block', seed: 7 }).bytes);
    const result = await runCli(['sweep', '--model', file, '--tokens', '2:9', ...quickSweep, '--out', path.join(folder, 'run'), '--json']);
    expect(result.code).toBe(0);
    const profile = JSON.parse(result.stdout);
    expect(profile.unit).toBe('model');
    expect(profile.model.file).toBe(file);
    expect(profile.points.map((point: { tokens: number }) => point.tokens)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps partial results, marked incomplete, when interrupted with Ctrl-C', async () => {
    const out = path.join(tempDir('edgetune-cancel-'), 'run');
    let sent = false;
    const result = await runCli(['sweep', '--model', 'vit-s16', '--ep', 'cpu', '--skip-validation', '--out', out], {
      onStderr: (text, child) => {
        // progress lines arrive every few seconds when stderr is not a terminal
        if (!sent && /sweep · survey/.test(text)) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 1500);
        }
      },
    });
    expect(sent).toBe(true);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/cancelling/);
    const profile = JSON.parse(readFileSync(path.join(out, 'profile.json'), 'utf8'));
    expect(profile.complete).toBe(false);
    expect(profile.points.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).status).toBe('incomplete');
    expect(existsSync(path.join(out, 'raw-timings.csv'))).toBe(true);
  });
});

describe('edgetune sweep: bad input gets a message naming the problem and the fix', () => {
  const expectUserError = (result: { code: number | null; stderr: string }, problem: RegExp, fix: RegExp) => {
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(problem);
    expect(result.stderr).toMatch(/fix: /);
    expect(result.stderr).toMatch(fix);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  };

  it('an unknown model id', async () => {
    expectUserError(await runCli(['sweep', '--model', 'vit-x99', '--ep', 'cpu']), /vit-x99/, /vit-b16/);
  });

  it('a file that is not ONNX', async () => {
    const file = path.join(tempDir('edgetune-bad-'), 'notes.onnx');
    writeFileSync(file, 'this is not a model\n');
    expectUserError(await runCli(['sweep', '--model', file, '--ep', 'cpu']), /not an ONNX model/, /./);
  });

  it('an ONNX file without a dynamic token axis', async () => {
    const graph = createGraphBuilder('fixed');
    graph.input('tokens', 'float32', [1, 197, 8]);
    graph.node('Relu', ['tokens'], ['out']);
    graph.output('out', 'float32', [1, 197, 8]);
    const file = path.join(tempDir('edgetune-fixed-'), 'fixed.onnx');
    writeFileSync(file, graph.toBytes());
    expectUserError(await runCli(['sweep', '--model', file, '--ep', 'cpu']), /no dynamic token axis.*fixed at 197/, /dynamic axis|inspect/);
  });

  it('a token range outside the model', async () => {
    expectUserError(await runCli(['sweep', '--model', 'vit-ti16', '--tokens', '1:300', '--ep', 'cpu']), /beyond vit-ti16.*197 tokens/, /1:197/);
  });

  it('a provider that does not work here: stop, or fall back when asked', async () => {
    const stopped = await runCli(['sweep', '--model', 'vit-ti16', '--ep', 'webgpu', '--tokens', '1:8', '--passes', '1']);
    expectUserError(stopped, /webgpu provider does not work here/, /--fallback/);
    const out = path.join(tempDir('edgetune-fallback-'), 'run');
    const fellBack = await runCli(['sweep', '--model', 'vit-ti16', '--ep', 'webgpu', '--fallback', '--tokens', '1:8', '--passes', '1', '--skip-validation', '--out', out, '--json']);
    expect(fellBack.code).toBe(0);
    expect(fellBack.stderr).toMatch(/webgpu does not work here.*falling back to cpu/);
    expect(JSON.parse(fellBack.stdout).ep).toBe('cpu');
  });

  it('an output folder that cannot be written', async () => {
    const blocker = path.join(tempDir('edgetune-unwritable-'), 'file');
    writeFileSync(blocker, 'x');
    expectUserError(await runCli(['sweep', '--model', 'vit-ti16', '--ep', 'cpu', '--out', path.join(blocker, 'run')]), /not a folder|cannot write/, /--out/);
  });

  it('an unknown flag', async () => {
    expectUserError(await runCli(['sweep', '--modle', 'vit-ti16']), /unknown option '--modle'/, /edgetune sweep --help/);
  });
});

describe('edgetune sweep strategy', () => {
  it('sweeps a cheap whole model directly and says why', async () => {
    const out = path.join(tempDir('edgetune-whole-'), 'run');
    const result = await runCli(['sweep', '--model', 'vit-ti16', '--tokens', '1:12', '--ep', 'cpu', '--passes', '1', '--out', out, '--json']);
    expect(result.code).toBe(0);
    const profile = JSON.parse(result.stdout);
    expect(profile.strategy.chosen).toBe('whole');
    expect(profile.unit).toBe('model');
    expect(profile.model.part).toBe('encoder');
    expect(profile.fullModel).toBeUndefined();
    expect(result.stderr).toMatch(/strategy: whole model: the whole model runs in/);
  });
});
