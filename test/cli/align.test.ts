import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTinyEdgeTuneModel, writeTinyStableDiffusion } from '../../electron/engine/diffusion/index.js';
import { defaultModelFolder } from '../../electron/engine/jobs/align/index.js';
import { decodePng } from '../../electron/engine/store/png.js';
import { runCli, tempDir } from './run-cli.js';

let modelFolder: string;
const quick = ['--denoise-steps', '3', '--batch', '8', '--ep', 'cpu', '--threads', '1'];

function readJson(file: string) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** What must agree between two runs: the best and the search's final state. */
function outcome(folder: string) {
  const document = readJson(path.join(folder, 'align.json'));
  return { best: document.best, bests: document.generations.map((g: { bestReward: number }) => g.bestReward), search: readJson(path.join(folder, 'state.json')).search };
}

beforeAll(async () => {
  modelFolder = path.join(tempDir('edgetune-align-model-'), 'tiny');
  await writeTinyEdgeTuneModel(modelFolder, { imageSize: 16, seed: 3 });
});

describe('edgetune align (built CLI, real onnxruntime)', () => {
  it('runs on a model folder and prints align.json with --json', async () => {
    const out = path.join(tempDir('edgetune-align-'), 'run');
    const result = await runCli(['align', '--model', modelFolder, '--steps', '2', ...quick, '--out', out, '--json']);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toEqual(readJson(path.join(out, 'align.json')));
    expect(printed).toMatchObject({ schema: 'edgetune/align@1', status: 'complete', algorithm: 'cosyne', images: 40, prompt: null });
    expect(printed.reward).toMatchObject({ spec: 'jpeg-size', direction: 'min' });
    expect(readJson(path.join(out, 'run.json'))).toMatchObject({ kind: 'align', status: 'complete' });
    expect(result.stderr).toMatch(/generation 1: best \d+, mean \d+, median \d+/);
    const png = decodePng(readFileSync(path.join(out, printed.best.image)));
    expect(png.text.recipe).toMatch(/^edgetune align --model \S+ --reward jpeg-size --algo cosyne --seed 1 --denoise-steps 3 --batch 8 --steps \d/);
  });

  it('prints a summary with the run folder, and notes that the unconditional model ignores --prompt', async () => {
    const out = path.join(tempDir('edgetune-align-'), 'run');
    const result = await runCli(['align', '--model', modelFolder, '--prompt', 'hills', '--algo', 'random', '--images', '32', ...quick, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/unconditional: --prompt is not used/);
    expect(result.stdout).toMatch(/random on .*tiny, reward jpeg-size:min/);
    expect(result.stdout).toMatch(/2 generations, 32 images/);
    expect(result.stdout).toContain(`run folder: ${out}`);
    expect(result.stdout).toContain(`edgetune align --resume ${out} --steps N`);
  });

  it('a run killed after generation 1 resumes to the same result as an uninterrupted one', async () => {
    const whole = path.join(tempDir('edgetune-align-'), 'whole');
    expect((await runCli(['align', '--model', modelFolder, '--steps', '4', '--seed', '5', ...quick, '--out', whole])).code).toBe(0);

    const killed = path.join(tempDir('edgetune-align-'), 'killed');
    let sent = false;
    const first = await runCli(['align', '--model', modelFolder, '--steps', '4', '--seed', '5', ...quick, '--out', killed], {
      onStderr: (text, child) => {
        if (!sent && /^generation 1: best/m.test(text)) {
          sent = true;
          child.kill('SIGKILL');
        }
      },
    });
    expect(first.signal).toBe('SIGKILL');
    expect(readJson(path.join(killed, 'run.json')).status).toBe('running');

    const resumed = await runCli(['align', '--resume', killed, '--ep', 'cpu', '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).status).toBe('complete');
    expect(outcome(killed)).toEqual(outcome(whole));
    expect(readJson(path.join(killed, 'run.json')).status).toBe('complete');
  });

  it('keeps everything on Ctrl-C (exit 130, run incomplete), then continues with more generations', async () => {
    const out = path.join(tempDir('edgetune-align-'), 'run');
    let sent = false;
    const cancelled = await runCli(['align', '--model', modelFolder, '--steps', '50', ...quick, '--out', out], {
      onStderr: (text, child) => {
        if (!sent && /^generation 0: best/m.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(cancelled.code).toBe(130);
    expect(cancelled.stdout).toMatch(/cancelled after \d+ generation/);
    expect(readJson(path.join(out, 'run.json')).status).toBe('incomplete');
    const done = readJson(path.join(out, 'align.json')).generations.length;
    expect(done).toBeGreaterThanOrEqual(1);

    const more = await runCli(['align', '--resume', out, '--steps', '2', '--ep', 'cpu', '--json']);
    expect(more.code).toBe(0);
    expect(JSON.parse(more.stdout).generations).toHaveLength(done + 2);
  });

  it('aligns a Stable Diffusion ONNX folder with a prompt', async () => {
    const sd = path.join(tempDir('edgetune-align-sd-'), 'sd');
    await writeTinyStableDiffusion(sd, { precision: 'fp16' });
    const out = path.join(path.dirname(sd), 'run');
    const result = await runCli(['align', '--model', sd, '--prompt', 'a red car', '--algo', 'snes', '--pop', '6', '--steps', '2', '--reward', 'saturation', ...quick, '--out', out, '--json']);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ prompt: 'a red car', model: { kind: 'stable-diffusion', latentShape: [4, 8, 8] }, reward: { direction: 'max' } });
    expect(document.baseline).toMatchObject({ image: 'baseline.png', extraImage: true });
    expect(decodePng(readFileSync(path.join(out, 'baseline.png'))).text).toMatchObject({ prompt: 'a red car', generation: 'baseline' });
  });

  it('names unknown algorithms and rewards with a suggestion, before loading anything', async () => {
    const algo = await runCli(['align', '--model', modelFolder, '--algo', 'cosine']);
    expect(algo.code).toBe(2);
    expect(algo.stderr).toContain("edgetune: unknown search algorithm 'cosine' (did you mean 'cosyne'?)\n  fix: use --algo cosyne, snes, cmaes, random, zero-order");
    const reward = await runCli(['align', '--model', modelFolder, '--reward', 'jpg-size:max']);
    expect(reward.code).toBe(2);
    expect(reward.stderr).toMatch(/unknown reward 'jpg-size' \(did you mean 'jpeg-size'\?\)/);
    const out = path.join(tempDir('edgetune-align-'), 'run');
    const population = await runCli(['align', '--model', modelFolder, '--pop', '2', '--ep', 'cpu', '--out', out]);
    expect(population.code).toBe(2);
    expect(population.stderr).toMatch(/cosyne cannot run with these settings: populationSize must be an integer ≥ 4/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to change a resumed run, and to resume a folder without a run', async () => {
    const out = path.join(tempDir('edgetune-align-'), 'run');
    expect((await runCli(['align', '--model', modelFolder, '--steps', '1', ...quick, '--out', out])).code).toBe(0);
    const changed = await runCli(['align', '--resume', out, '--algo', 'snes']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/--resume continues a run with its own settings; --algo cannot change them/);
    const nothing = await runCli(['align', '--resume', tempDir('edgetune-empty-')]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/has no state\.json/);
  });

  it.skipIf(existsSync(path.join(defaultModelFolder(), 'model.json')))('says how to get the default model when it is missing', async () => {
    const result = await runCli(['align', '--ep', 'cpu']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the default model tiny-landscapes-32 is not installed/);
  });

  it.skipIf(!existsSync(path.join(defaultModelFolder(), 'model.json')))('runs the default model with no --model', async () => {
    const out = path.join(tempDir('edgetune-align-'), 'run');
    const result = await runCli(['align', '--steps', '1', '--ep', 'cpu', '--out', out, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).model).toMatchObject({ choice: 'default', label: 'default (tiny-landscapes-32)', latentShape: [3, 32, 32] });
  });
});
