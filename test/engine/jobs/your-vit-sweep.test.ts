/**
 * A user's image-input ViT export through the sweep and validation jobs: swept as the synthetic ViT
 * of its shape, timed itself beside it, and validated from the architecture the schedule records.
 * Real timm exports, real onnxruntime on the CPU; timings are only checked to be positive and finite.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../../electron/engine/contracts/schedule.js';
import { loadedFromSweep } from '../../../electron/engine/jobs/load-profile.js';
import { chooseSweepModel } from '../../../electron/engine/jobs/model-choice.js';
import { runSweepJob } from '../../../electron/engine/jobs/sweep-job.js';
import { runValidation } from '../../../electron/engine/jobs/validate/validate-schedule.js';
import { scheduleArchitecture } from '../../../electron/engine/jobs/validate/variants.js';
import { resolveModel } from '../../../electron/engine/models/architectures.js';
import { createGraphBuilder } from '../../../electron/engine/models/onnx/graph.js';
import { buildVitOnnx } from '../../../electron/engine/models/vit-onnx.js';
import type { ProviderSelection } from '../../../electron/engine/probe/select-provider.js';
import { UserError } from '../../../electron/engine/errors.js';
import { userErrorOf } from '../../helpers/errors.js';
import { timmVitFixtures } from '../../helpers/fixtures.js';

const cpu: ProviderSelection = { ep: 'cpu', notes: [], statuses: [] };
const quick = { minIterations: 3, maxIterations: 12, minTimeMs: 5, maxTimeMs: 150, warmupIterations: 1 };
const fixtureShape = { family: 'vit', depth: 4, width: 96, heads: 3, mlpRatio: 4, patchSize: 16, imageSize: 224, tokens: 197, classes: 10, layerScale: false };

async function refusal(choosing: Promise<unknown>): Promise<UserError> {
  const error = await choosing.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

function writeGraph(name: string, build: (graph: ReturnType<typeof createGraphBuilder>) => void): string {
  const graph = createGraphBuilder(name);
  build(graph);
  const file = join(mkdtempSync(join(os.tmpdir(), 'edgetune-your-vit-')), `${name}.onnx`);
  writeFileSync(file, graph.toBytes());
  return file;
}

describe('chooseSweepModel', () => {
  it.each(['vit_e96_d4_h3_torchscript.onnx', 'vit_e96_d4_h3_dynamo.onnx'])('stands the synthetic ViT of its shape in for the image-input export %s', async (file) => {
    const choice = await chooseSweepModel(join(timmVitFixtures, file));
    expect(choice.kind).toBe('builtin');
    if (choice.kind !== 'builtin') return;
    expect(choice.arch).toEqual({ id: 'vit-d4-w96-h3-p16', ...fixtureShape });
    expect(choice.standIn).toMatchObject({ file: join(timmVitFixtures, file), input: { name: 'pixel_values' } });
  });

  it('keeps a token-input file as it is', async () => {
    const file = join(mkdtempSync(join(os.tmpdir(), 'edgetune-blocks-')), 'blocks.onnx');
    writeFileSync(file, buildVitOnnx(resolveModel('vit-ti16'), { part: 'block', seed: 1 }).bytes);
    expect(await chooseSweepModel(file)).toEqual({ kind: 'file', path: file });
  });

  it('refuses an image-input model that is not a ViT, naming both kinds it would take', async () => {
    const file = writeGraph('cnn', (graph) => {
      graph.input('image', 'float32', [1, 3, 32, 32]);
      graph.node('Relu', ['image'], ['out']);
      graph.output('out', 'float32', [1, 3, 32, 32]);
    });
    const error = await refusal(chooseSweepModel(file));
    expect(error.code).toBe('not-an-image-vit');
    expect(error.message).toMatch(/^cnn\.onnx: no attention found.*EdgeTune expected an image-input ViT as timm or DeiT export it.*or a token-input model \(input \[batch, tokens, width\]/);
    expect(error.fix).toMatch(/edgetune inspect.*export the transformer blocks alone/);
  });

  it('refuses a model with neither a token nor an image input, saying what it expected', async () => {
    const file = writeGraph('tabular', (graph) => {
      graph.input('features', 'float32', [1, 10]);
      graph.node('Relu', ['features'], ['out']);
      graph.output('out', 'float32', [1, 10]);
    });
    const error = await refusal(chooseSweepModel(file));
    expect(error.code).toBe('no-token-input');
    expect(error.message).toMatch(/tabular\.onnx has neither a token input nor an image input: its inputs are 'features' float32 \[1, 10\]; EdgeTune sweeps token-input models .* and image-input ViTs/);
  });
});

describe('scheduleArchitecture', () => {
  const recorded = { id: 'vit-d4-w96-h3-p16', ...fixtureShape };

  it('builds from the architecture a stand-in schedule records', () => {
    expect(scheduleArchitecture({ model: { id: recorded.id, file: '/data/my-vit.onnx', standIn: true, architecture: recorded } })).toEqual(recorded);
  });

  it('says which field of a recorded architecture is wrong', () => {
    const error = userErrorOf(() => scheduleArchitecture({ model: { file: '/data/my-vit.onnx', standIn: true, architecture: { ...recorded, heads: 'three' } } }));
    expect(error.code).toBe('schedule-invalid');
    expect(error.message).toMatch(/model\.architecture is not one EdgeTune can build: architecture\.heads/);
  });
});

describe('a timm export swept, scheduled and validated through its stand-in', () => {
  it('records the stand-in and your model in the profile, and times your model beside the pruned stand-ins', async () => {
    const file = join(timmVitFixtures, 'vit_e96_d4_h3_dynamo.onnx');
    const sweepNotes: string[] = [];
    const { profile } = await runSweepJob({
      model: file,
      ep: 'cpu',
      selection: cpu,
      tokens: '190:197',
      passes: 1,
      strategy: 'block',
      validate: false,
      rule: quick,
      intraOpThreads: 1,
      onNote: (note) => sweepNotes.push(note),
    });
    expect(profile.complete).toBe(true);
    expect(profile.model).toMatchObject({ file, standIn: true, id: 'vit-d4-w96-h3-p16', depth: 4, tokens: 197, part: 'block', architecture: { ...fixtureShape } });
    expect(sweepNotes[0]).toBe(
      'vit_e96_d4_h3_dynamo.onnx is image-input; sweeping the synthetic ViT of its shape: depth 4, width 96, 3 heads, MLP ratio 4, 16-pixel patches, 224 px, 197 tokens ' +
        '(`edgetune match` times the stand-in against your export; this sweep times both once at full tokens)',
    );
    expect(profile.yourModel).toMatchObject({ file, complete: true, rounds: { planned: 3, done: 3 } });
    expect(profile.yourModel?.model?.medianMs).toBeGreaterThan(0);
    expect(profile.yourModel?.standIn?.medianMs).toBeGreaterThan(0);
    expect(Number.isFinite(profile.yourModel?.latencyErrorPct)).toBe(true);
    expect(sweepNotes.some((note) => /^vit_e96_d4_h3_dynamo\.onnx at full tokens: \d+\.\d\d ms, its image-input stand-in \d+\.\d\d ms; the synthetic stand-in takes/.test(note))).toBe(true);

    // The schedule copies the profile's model record; a hand-made cut so that there is something to prune.
    const schedule: Schedule = {
      schema: 'edgetune/schedule@1',
      method: 'pomt',
      model: profile.model,
      device: {},
      ep: 'cpu',
      baselineTokens: 197,
      keepTokens: 150,
      layers: [{ layer: 2, remove: 47 }],
      baselineMs: 1,
      predictedMs: 0.9,
      predictedSpeedup: 1 / 0.9,
      steps: [],
      accuracySource: 'none',
      alpha: 0.5,
      reason: 'hand-made for the test',
    };
    const validationNotes: string[] = [];
    const { document } = await runValidation({
      schedule,
      onNote: (note) => validationNotes.push(note),
      profile: loadedFromSweep('profile.json', profile),
      ep: 'cpu',
      selection: cpu,
      rounds: 1,
      rule: quick,
      intraOpThreads: 1,
    });
    expect(document.model).toMatchObject({ id: 'vit-d4-w96-h3-p16', depth: 4, file, standIn: true });
    // the profile covers 190–197 tokens only, and the cut runs at 150
    expect(document.prediction).toBeNull();
    expect(validationNotes).toContain('no predictions: the profile measured 190–197 tokens, the variants run at 150–197, and EdgeTune does not extrapolate (sweep --tokens 1:197 to compare with predictions)');
    expect(document.variants.slice(0, 2).map((variant) => variant.key)).toEqual(['baseline', 'schedule']);
    expect(document.variants[1].tokensAfterLayer).toEqual([197, 197, 150, 150]);
    expect(document.yourModel).toMatchObject({ key: 'your-model', label: 'your model: vit_e96_d4_h3_dynamo.onnx', file });
    expect(document.yourModel?.medianMs).toBeGreaterThan(0);
    expect(document.yourModel?.speedup?.rounds).toBe(1);
    expect(document.rounds.orders[0]).toContain('your-model');
    expect(document.verdict.at(-1)).toMatch(/^your model \(vit_e96_d4_h3_dynamo\.onnx, as exported: image in\) took \d+\.\d\d ms at full tokens beside the synthetic baseline: the synthetic stand-in takes/);
  });
});
