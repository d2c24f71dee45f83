import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scheduleSchema } from '../../electron/engine/contracts/schedule.js';
import { createRng } from '../../electron/engine/util/rng.js';
import { runCli, tempDir } from './run-cli.js';

const fixtures = path.resolve(__dirname, '../fixtures');

/** Another tool's CSV: one row per raw sample, its own column names, a GPU-like staircase. */
function otherToolCsv(steps: number[], seed: number): string {
  const rng = createRng(seed);
  const rows = ['n,latency_ms'];
  for (let n = 2; n <= 197; n++) {
    const level = 4 + 0.6 * steps.filter((step) => n >= step).length;
    for (let sample = 0; sample < 5; sample++) rows.push(`${n},${(level * Math.exp(0.01 * rng.normal())).toFixed(4)}`);
  }
  return `${rows.join('\n')}\n`;
}

describe('edgetune schedule', () => {
  it("lands just below the step the full count sits on, from another tool's CSV", async () => {
    const folder = tempDir('edgetune-schedule-');
    const csv = path.join(folder, 'their-profile.csv');
    writeFileSync(csv, otherToolCsv([65, 129, 193], 3));
    const out = path.join(folder, 'schedule.json');
    const result = await runCli(['schedule', '--profile', csv, '--out', out, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const schedule = scheduleSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(readFileSync(out, 'utf8')));
    expect(schedule.baselineTokens).toBe(197);
    expect(schedule.keepTokens).toBe(192);
    expect(schedule.layers).toEqual([{ layer: 3, remove: 5 }]);
    expect(schedule.steps.map((step) => step.tokens)).toEqual([65, 129, 193]);
    expect(schedule.steps.find((step) => step.used)?.tokens).toBe(193);
    expect(schedule.predictedSpeedup).toBeGreaterThan(1.05);
    expect(schedule.accuracySource).toBe('none');
  });

  it('keeps all tokens on a real GPU curve with no step, and says why', async () => {
    const out = path.join(tempDir('edgetune-schedule-gpu-'), 'schedule.json');
    const result = await runCli(['schedule', '--profile', path.join(fixtures, 'h200-webgpu-vit-b16-whole-profile.json'), '--out', out, '--json']);
    expect(result.code).toBe(0);
    const schedule = JSON.parse(result.stdout);
    expect(schedule.keepTokens).toBe(schedule.baselineTokens);
    expect(schedule.layers).toEqual([]);
    expect(schedule.predictedSpeedup).toBe(1);
    expect(schedule.reason).toMatch(/keeping all 197 tokens/);
  });

  it('uses an accuracy curve through POMT utility, removing exactly down to n*', async () => {
    const folder = tempDir('edgetune-accuracy-');
    const csv = path.join(folder, 'profile.csv');
    writeFileSync(csv, otherToolCsv([65, 129, 193], 5));
    const accuracy = path.join(folder, 'accuracy.csv');
    const rows = ['tokens,accuracy'];
    for (let n = 2; n <= 197; n++) rows.push(`${n},${(0.8 * (1 - Math.exp(-n / 40))).toFixed(5)}`);
    writeFileSync(accuracy, `${rows.join('\n')}\n`);
    const result = await runCli(['schedule', '--profile', csv, '--accuracy', accuracy, '--alpha', '0.5', '--out', path.join(folder, 's.json'), '--json']);
    expect(result.code).toBe(0);
    const schedule = JSON.parse(result.stdout);
    expect(schedule.accuracySource).toBe(`csv:${accuracy}`);
    // POMT takes the raw argmax: within a plateau latency differs only by noise, so n* lands at
    // the plateau's right edge or a token or two before it, never on the higher plateau.
    const distanceBelowStep = [65, 129, 193].map((step) => step - schedule.keepTokens).filter((d) => d > 0);
    expect(Math.min(...distanceBelowStep)).toBeLessThanOrEqual(3);
    expect(schedule.layers).toEqual([{ layer: 3, remove: 197 - schedule.keepTokens }]);
  });

  it('names the file, the line and the problem in a malformed CSV', async () => {
    const csv = path.join(tempDir('edgetune-bad-csv-'), 'broken.csv');
    writeFileSync(csv, 'tokens,median_ms\n1,2.0\n2,abc\n3,2.1\n');
    const result = await runCli(['schedule', '--profile', csv]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\.csv/);
    expect(result.stderr).toMatch(/line 3/);
    expect(result.stderr).toMatch(/fix: /);
  });

  it('refuses a profile that is not one', async () => {
    const file = path.join(tempDir('edgetune-bad-profile-'), 'profile.json');
    writeFileSync(file, JSON.stringify({ schema: 'something/else', points: [] }));
    const result = await runCli(['schedule', '--profile', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not an EdgeTune profile/);
  });
});

describe('edgetune tune', () => {
  it('probes, sweeps and schedules into one run folder', async () => {
    const out = path.join(tempDir('edgetune-tune-'), 'run');
    const result = await runCli(['tune', '--model', 'vit-ti16', '--tokens', '1:40', '--ep', 'cpu', '--passes', '1', '--strategy', 'block', '--out', out]);
    expect(result.code).toBe(0);
    for (const file of ['probe.json', 'profile.json', 'profile.csv', 'raw-timings.csv', 'schedule.json', 'run.json']) {
      expect(readFileSync(path.join(out, file), 'utf8').length).toBeGreaterThan(10);
    }
    expect(result.stdout).toMatch(/latency of one block vs tokens/);
    expect(result.stdout).toMatch(/schedule \(pomt/);
    expect(result.stdout).toMatch(/run folder: /);
    const schedule = scheduleSchema.parse(JSON.parse(readFileSync(path.join(out, 'schedule.json'), 'utf8')));
    expect(schedule.baselineTokens).toBe(40);
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).status).toBe('complete');
  });
});
