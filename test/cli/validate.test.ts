import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scheduleSchema } from '../../electron/engine/contracts/schedule.js';
import { timmVitFixtures } from '../helpers/fixtures.js';
import { runCli, tempDir } from './run-cli.js';

/** A schedule and the block profile it came from, side by side as `edgetune tune` leaves them. */
function scheduleFolder(layers: { layer: number; remove: number }[], model: unknown = { id: 'vit-ti16', depth: 12 }): string {
  const folder = tempDir('edgetune-validate-');
  const keep = 197 - layers.reduce((sum, layer) => sum + layer.remove, 0);
  writeFileSync(
    path.join(folder, 'schedule.json'),
    JSON.stringify({
      schema: 'edgetune/schedule@1',
      method: 'pomt',
      model,
      device: {},
      ep: 'cpu',
      baselineTokens: 197,
      keepTokens: keep,
      layers,
      baselineMs: 10,
      predictedMs: 9,
      predictedSpeedup: 10 / 9,
      steps: [],
      accuracySource: 'none',
      alpha: 0.5,
      reason: 'hand-made',
    }),
  );
  writeFileSync(
    path.join(folder, 'profile.json'),
    JSON.stringify({
      schema: 'edgetune/profile@1',
      ep: 'cpu',
      model: { id: 'vit-ti16', part: 'block' },
      unit: 'block',
      depth: 12,
      points: Array.from({ length: 197 }, (_, i) => ({ tokens: i + 1, medianMs: 0.2 + 0.004 * (i + 1), p10Ms: 0, p90Ms: 0, iqrMs: 0, samples: 7 })),
    }),
  );
  return folder;
}

describe('edgetune validate', () => {
  it('times a schedule against the baseline, Top-K and ToMe and writes the comparison to a run folder', async () => {
    const folder = scheduleFolder([{ layer: 3, remove: 47 }]);
    const out = path.join(folder, 'run');
    const result = await runCli(['validate', '--schedule', path.join(folder, 'schedule.json'), '--ep', 'cpu', '--rounds', '1', '--threads', '1', '--out', out, '--json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(JSON.parse(readFileSync(path.join(out, 'validation.json'), 'utf8'))).toEqual(document);
    expect(document).toMatchObject({ schema: 'edgetune/validation@1', complete: true, ep: 'cpu', batch: 1 });
    expect(document.variants.map((variant: { key: string }) => variant.key)).toEqual(['baseline', 'schedule', 'topk', 'tome']);
    expect(document.prediction.source).toBe(path.join(folder, 'profile.json'));
    const table = readFileSync(path.join(out, 'validation.txt'), 'utf8');
    expect(table).toMatch(/variant +tokens out +removed tok·layers +GMACs +median ms +p10–p90 ms +n +speedup vs baseline +predicted ms +error/);
    expect(table).toMatch(/^schedule \(pomt: 47 at layer 3\) +150 +423 /m);
    expect(table).toMatch(/^Top-K, r = 5 per layer +137 +390 /m);
    expect(readFileSync(path.join(out, 'raw-timings.csv'), 'utf8').split('\n').length).toBeGreaterThan(4 * 7);
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'))).toMatchObject({ kind: 'validate', label: 'vit-ti16', status: 'complete' });
    expect(result.stderr).toMatch(/note: matched budget: Top-K: r = 5 per layer, 390 removed token-layers against the schedule's 423/);
  });

  it('says what is supported when the schedule is for a model file, before creating a run folder', async () => {
    const folder = scheduleFolder([{ layer: 3, remove: 5 }], { file: '/data/blocks.onnx', part: 'model' });
    const out = path.join(folder, 'run');
    const result = await runCli(['validate', '--schedule', path.join(folder, 'schedule.json'), '--ep', 'cpu', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the schedule was made for the model file \/data\/blocks\.onnx: validation builds the pruned graphs itself from a built-in architecture/);
    expect(result.stderr).toMatch(/fix: run `edgetune match <your-model\.onnx>`/);
    expect(existsSync(out)).toBe(false);
  });

  it('Ctrl-C keeps the rounds measured so far, marked incomplete', async () => {
    const folder = scheduleFolder([{ layer: 3, remove: 47 }]);
    const out = path.join(folder, 'run');
    let interrupted = false;
    const result = await runCli(['validate', '--schedule', path.join(folder, 'schedule.json'), '--ep', 'cpu', '--rounds', '200', '--threads', '1', '--out', out], {
      onStderr: (text, child) => {
        if (!interrupted && /round 2\/200/.test(text)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(interrupted).toBe(true);
    expect(result.code).toBe(130);
    const document = JSON.parse(readFileSync(path.join(out, 'validation.json'), 'utf8'));
    expect(document.complete).toBe(false);
    expect(document.rounds.done).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).status).toBe('incomplete');
    expect(readFileSync(path.join(out, 'validation.txt'), 'utf8')).toContain('[INCOMPLETE]');
  });
});

describe('edgetune schedule --method dp', () => {
  it('spreads a removed-token budget over layers on plateau right edges', async () => {
    const folder = tempDir('edgetune-dp-');
    const csv = path.join(folder, 'profile.csv');
    const rows = ['tokens,median_ms'];
    for (let n = 1; n <= 197; n++) rows.push(`${n},${(4 * 1.15 ** [65, 129, 193].filter((step) => n >= step).length).toFixed(4)}`);
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const result = await runCli(['schedule', '--profile', csv, '--method', 'dp', '--budget', '600', '--json', '--out', path.join(folder, 'schedule.json')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const schedule = scheduleSchema.parse(JSON.parse(result.stdout));
    expect(schedule.method).toBe('dp');
    expect(schedule.layers.length).toBeGreaterThan(1);
    expect([192, 128, 64]).toContain(schedule.keepTokens);
    expect(schedule.predictedSpeedup).toBeGreaterThan(1);
    expect(schedule.reason).toMatch(/^DP over 12 layers, each on a plateau right edge/);
  });

  it('refuses --budget without --method dp', async () => {
    const result = await runCli(['schedule', '--profile', 'x.csv', '--budget', '100']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--budget is the removed-token budget of --method dp/);
  });
});

describe('edgetune match', () => {
  it("times a user's timm export against its synthetic stand-in", async () => {
    const out = path.join(tempDir('edgetune-match-'), 'run');
    const result = await runCli(['match', path.join(timmVitFixtures, 'vit_e96_d4_h3_dynamo.onnx'), '--ep', 'cpu', '--rounds', '1', '--threads', '1', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stand-in: synthetic vit-d4-w96-h3-p16 \(224 px, 197 tokens, 10 classes/);
    expect(result.stdout).toMatch(/your model +\d+\.\d\d/);
    expect(result.stdout).toMatch(/the synthetic stand-in takes \d\.\d{3}× your model's time/);
    const document = JSON.parse(readFileSync(path.join(out, 'match.json'), 'utf8'));
    expect(document).toMatchObject({ schema: 'edgetune/match@1', complete: true, builtin: null });
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'))).toMatchObject({ kind: 'match', status: 'complete' });
  });

  it('says what it expected from a model it cannot read as an image-input ViT', async () => {
    const folder = tempDir('edgetune-match-bad-');
    const file = path.join(folder, 'notes.onnx');
    writeFileSync(file, 'not a model');
    const result = await runCli(['match', file, '--out', path.join(folder, 'run')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^edgetune: /);
    expect(result.stderr).toMatch(/fix: /);
    expect(existsSync(path.join(folder, 'run'))).toBe(false);
  });
});
