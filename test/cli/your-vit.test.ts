/**
 * The flow for a user's own image-input ViT export, through the built `edgetune` command: sweep the
 * synthetic ViT of its shape, schedule from that profile unchanged, validate the schedule with the
 * pruned graphs built from the recorded architecture and the export itself timed beside them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../electron/engine/contracts/profile.js';
import { scheduleSchema } from '../../electron/engine/contracts/schedule.js';
import type { VitArchitecture } from '../../electron/engine/models/architectures.js';
import { buildImageVitOnnx } from '../../electron/engine/models/image-vit-onnx.js';
import { createGraphBuilder } from '../../electron/engine/models/onnx/graph.js';
import { runCli, tempDir } from './run-cli.js';

/** 32-pixel patches and MLP ratio 2: no built-in has this shape, so only the recorded architecture can rebuild it. */
const custom: VitArchitecture = {
  id: 'custom',
  family: 'vit',
  depth: 4,
  width: 64,
  heads: 2,
  mlpRatio: 2,
  patchSize: 32,
  imageSize: 224,
  tokens: 50,
  classes: 7,
  layerScale: false,
};

describe('edgetune sweep, schedule and validate for your own image-input ViT export', () => {
  it('sweeps the stand-in of a custom shape, schedules it unchanged and validates it beside your model', async () => {
    const folder = tempDir('edgetune-your-vit-');
    const file = path.join(folder, 'my-vit.onnx');
    writeFileSync(file, buildImageVitOnnx(custom, { seed: 5 }).bytes);
    const run = path.join(folder, 'run');

    const swept = await runCli(['sweep', '--model', file, '--tokens', '36:50', '--strategy', 'block', '--skip-validation', '--passes', '1', '--ep', 'cpu', '--threads', '1', '--out', run, '--json']);
    expect(swept.code).toBe(0);
    expect(swept.stderr).toContain(
      'note: my-vit.onnx is image-input; sweeping the synthetic ViT of its shape: depth 4, width 64, 2 heads, MLP ratio 2, 32-pixel patches, 224 px, 50 tokens',
    );
    expect(swept.stderr).toMatch(/note: my-vit\.onnx at full tokens: \d+\.\d\d ms, its image-input stand-in \d+\.\d\d ms; the synthetic stand-in takes \d\.\d{3}× your model's time/);
    const profile = JSON.parse(swept.stdout);
    expect(profileSchema.parse(profile).complete).toBe(true);
    expect(profile.model).toMatchObject({ file, standIn: true, id: 'vit-d4-w64-h2-p32', tokens: 50, part: 'block', architecture: { ...custom, id: 'vit-d4-w64-h2-p32' } });
    expect(profile.yourModel.model.medianMs).toBeGreaterThan(0);
    expect(Number.isFinite(profile.yourModel.latencyErrorPct)).toBe(true);

    // An accuracy curve that peaks below the full count makes the schedule cut a known amount, whatever the noisy timings say.
    const accuracy = path.join(folder, 'accuracy.csv');
    writeFileSync(accuracy, `tokens,accuracy\n${Array.from({ length: 15 }, (_, i) => `${36 + i},${36 + i === 40 ? 0.9 : 0.8}`).join('\n')}\n`);
    const scheduled = await runCli(['schedule', '--profile', run, '--accuracy', accuracy, '--alpha', '0', '--json']);
    expect(scheduled.code).toBe(0);
    const schedule = scheduleSchema.parse(JSON.parse(scheduled.stdout));
    expect(schedule).toMatchObject({ baselineTokens: 50, keepTokens: 40, layers: [{ layer: 3, remove: 10 }] });
    expect(schedule.model).toMatchObject({ file, standIn: true, architecture: profile.model.architecture });

    const out = path.join(folder, 'validation');
    const validated = await runCli(['validate', '--schedule', path.join(run, 'schedule.json'), '--ep', 'cpu', '--rounds', '1', '--threads', '1', '--out', out, '--json']);
    expect(validated.code).toBe(0);
    const document = JSON.parse(validated.stdout);
    expect(document.model).toMatchObject({ id: 'vit-d4-w64-h2-p32', depth: 4, width: 64, tokens: 50, file, standIn: true });
    expect(document.variants[0].key).toBe('baseline');
    expect(document.variants[1]).toMatchObject({ key: 'schedule', tokensAfterLayer: [50, 50, 50, 40] });
    expect(document.variants.every((variant: { medianMs: number }) => variant.medianMs > 0)).toBe(true);
    expect(document.prediction).not.toBeNull();
    expect(document.yourModel).toMatchObject({ key: 'your-model', file });
    expect(document.yourModel.medianMs).toBeGreaterThan(0);
    const table = readFileSync(path.join(out, 'validation.txt'), 'utf8');
    expect(table).toMatch(/^vit-d4-w64-h2-p32 \(the synthetic stand-in for my-vit\.onnx\) on cpu, batch 1: 1 of 1 rounds/);
    expect(table).toMatch(/^your model: my-vit\.onnx +\d+\.\d\d +\d+\.\d\d–\d+\.\d\d +\d+ +×\d\.\d{3} \(rounds/m);
    expect(table).toMatch(/• your model \(my-vit\.onnx, as exported: image in\) took \d+\.\d\d ms at full tokens beside the synthetic baseline/);
    expect(readFileSync(path.join(out, 'raw-timings.csv'), 'utf8')).toMatch(/^your-model,validate,/m);
  });

  it('refuses an ONNX file that is neither token-input nor a ViT it can read, saying what it expected', async () => {
    const graph = createGraphBuilder('cnn');
    graph.input('image', 'float32', [1, 3, 32, 32]);
    graph.node('Relu', ['image'], ['out']);
    graph.output('out', 'float32', [1, 3, 32, 32]);
    const file = path.join(tempDir('edgetune-not-vit-'), 'cnn.onnx');
    writeFileSync(file, graph.toBytes());
    const result = await runCli(['sweep', '--model', file, '--ep', 'cpu']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cnn\.onnx: no attention found .*EdgeTune expected an image-input ViT as timm or DeiT export it.*or a token-input model \(input \[batch, tokens, width\], dynamic token axis\)/);
    expect(result.stderr).toMatch(/fix: .*edgetune inspect/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
