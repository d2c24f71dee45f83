import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './run-cli.js';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const quiet = ['--ep', 'cpu', '--threads', '1', '--quiet'];

describe('edgetune vittm (real onnxruntime, end to end)', () => {
  it('compare: ViTTM-Ti vs ViT-Ti and ViT-Ti at 49 tokens, printed as JSON and saved to the run folder', async () => {
    const out = path.join(tempDir('edgetune-vittm-compare-'), 'run');
    const result = await runCli(['vittm', 'compare', '--vittm', 'vittm-ti', '--rounds', '2', '--pruned-tokens', '49', ...quiet, '--out', out, '--json']);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toEqual(readJson(path.join(out, 'vittm-compare.json')));
    expect(printed).toMatchObject({ schema: 'edgetune/vittm-compare@1', complete: true, ep: 'cpu', batch: 1 });
    expect(printed.models.map((model: { key: string }) => model.key)).toEqual(['vittm-ti', 'vit-ti16', 'vit-ti16@49']);
    expect(printed.pairs[0].vittmOverVit.latencyRatio.median).toBeGreaterThan(0);
    expect(printed.backend.versions.onnxruntime).toBe('1.30.0');
    const table = readFileSync(path.join(out, 'vittm-compare.txt'), 'utf8');
    expect(table).toMatch(/vittm-ti \/ vit-ti16 /);
    expect(table).toMatch(/median ms/);
    expect(readFileSync(path.join(out, 'raw-timings.csv'), 'utf8')).toMatch(/^workload,phase,pass,is_reference,visit,visit_started_ms,iteration,ms\nvit/);
    expect(readJson(path.join(out, 'run.json'))).toMatchObject({ status: 'complete', files: ['vittm-compare.json', 'vittm-compare.txt', 'raw-timings.csv'] });
  });

  it('compare prints a readable table without --json', async () => {
    const result = await runCli(['vittm', 'compare', '--vittm', 'vittm-ti', '--rounds', '1', '--pruned-tokens', 'none', '--ep', 'cpu', '--threads', '1', '--out', path.join(tempDir('edgetune-vittm-table-'), 'run')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ViTTM vs ViT on cpu/);
    expect(result.stdout).toMatch(/vittm-ti \/ vit-ti16 +0\.407 /);
    expect(result.stdout).toMatch(/run folder: /);
    // progress and notes go to stderr
    expect(result.stderr).toMatch(/vittm compare · round 1\/1/);
    expect(result.stderr).toMatch(/note: vittm-ti takes/);
  });

  it('grid: a small memory × process grid with its steps field, CSV and table', async () => {
    const out = path.join(tempDir('edgetune-vittm-grid-'), 'run');
    const result = await runCli(['vittm', 'grid', '--vittm', 'vittm-ti', '--process', '16,49', '--memory', '196', '--passes', '1', ...quiet, '--out', out, '--json']);
    expect(result.code).toBe(0);
    const grid = JSON.parse(result.stdout);
    expect(grid).toEqual(readJson(path.join(out, 'vittm-grid.json')));
    expect(grid).toMatchObject({ schema: 'edgetune/vittm-grid@1', complete: true, memoryTokens: [196], processTokens: [16, 49] });
    expect(grid.grid.medianMs[0].every((value: number) => value > 0)).toBe(true);
    expect(grid.steps).toEqual([]);
    expect(grid.rows[0].regime).toBe('too-few-points');
    expect(readFileSync(path.join(out, 'vittm-grid.csv'), 'utf8').split('\n')[0]).toBe('memory_tokens,process_tokens,median_ms,p10_ms,p90_ms,samples,macs');
    expect(readFileSync(path.join(out, 'vittm-grid.txt'), 'utf8')).toMatch(/memory \\ process/);
    expect(readJson(path.join(out, 'run.json')).status).toBe('complete');
  });

  it('Ctrl-C keeps the rounds measured so far, marked incomplete', async () => {
    const out = path.join(tempDir('edgetune-vittm-cancel-'), 'run');
    let sent = false;
    const result = await runCli(['vittm', 'compare', '--vittm', 'vittm-ti', '--rounds', '200', '--pruned-tokens', 'none', '--ep', 'cpu', '--threads', '1', '--out', out], {
      onStderr: (text, child) => {
        // a new stage prints a line at once when stderr is not a terminal
        if (!sent && /round 2\/200/.test(text)) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 500);
        }
      },
    });
    expect(sent).toBe(true);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/cancelling/);
    const document = readJson(path.join(out, 'vittm-compare.json'));
    expect(document.complete).toBe(false);
    expect(document.rounds.done).toBeGreaterThanOrEqual(1);
    expect(document.pairs[0].vittmOverVit.latencyRatio.rounds).toBeGreaterThanOrEqual(1);
    expect(result.stdout).toMatch(/INCOMPLETE/);
    expect(readJson(path.join(out, 'run.json')).status).toBe('incomplete');
    expect(existsSync(path.join(out, 'raw-timings.csv'))).toBe(true);
  });
});

describe('edgetune vittm: bad input gets the problem and the fix', () => {
  const expectUserError = (result: { code: number | null; stderr: string }, problem: RegExp, fix: RegExp) => {
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(problem);
    expect(result.stderr).toMatch(/fix: /);
    expect(result.stderr).toMatch(fix);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  };

  it('an unknown ViTTM, a ViT where a ViTTM goes, a bad token list, an unknown subcommand', async () => {
    const home = tempDir('edgetune-vittm-errors-');
    expectUserError(await runCli(['vittm', 'compare', '--vittm', 'vittm-q', '--ep', 'cpu'], { home }), /unknown ViTTM model 'vittm-q'.*vittm-ti, vittm-s, vittm-b, vittm-l/, /edgetune models/);
    expectUserError(await runCli(['vittm', 'compare', '--vittm', 'vit-b16', '--ep', 'cpu'], { home }), /unknown ViTTM model 'vit-b16'/, /edgetune models/);
    expectUserError(await runCli(['vittm', 'compare', '--vittm', 'vittm-b,vittm-s', '--vit', 'vit-b16'], { home }), /--vit names 1 models for 2 ViTTMs/, /one ViT per ViTTM/);
    expectUserError(await runCli(['vittm', 'grid', '--process', '16:x'], { home }), /--process 16:x/, /16:64:8/);
    expectUserError(await runCli(['vittm', 'grid', '--patches', '16/16'], { home }), /--patches 16\/16/, /16\/32 or 28\/28/);
    expectUserError(await runCli(['vittm', 'frobnicate'], { home }), /unknown subcommand 'frobnicate'/, /vittm compare/);
    // nothing was started, so nothing was saved
    expect(existsSync(path.join(home, 'runs'))).toBe(false);
  });

  it('--help documents both subcommands', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/vittm +ViTTM vs ViT/);
    expect((await runCli(['vittm', '--help'])).stdout).toMatch(/compare .*\n.*grid /);
    expect((await runCli(['vittm', 'compare', '--help'])).stdout).toMatch(/--pruned-tokens N/);
    expect((await runCli(['vittm', 'grid', '--help'])).stdout).toMatch(/--process LIST/);
  });
});

describe('edgetune models lists the ViTTMs', () => {
  it('models --json: vittm ids with family, memory and process tokens, params and MACs; ViT rows as before', async () => {
    const result = await runCli(['models', '--json']);
    expect(result.code).toBe(0);
    const models = JSON.parse(result.stdout) as Record<string, unknown>[];
    const vittms = models.filter((model) => model.family === 'vittm');
    expect(vittms.map((model) => model.id)).toEqual(['vittm-ti', 'vittm-s', 'vittm-b', 'vittm-l']);
    for (const model of vittms) {
      expect(Object.keys(model).sort()).toEqual(['depth', 'family', 'heads', 'id', 'macs', 'memoryTokens', 'params', 'processTokens', 'tokens', 'width']);
      expect(model.tokens).toBe((model.memoryTokens as number) + (model.processTokens as number));
    }
    expect(vittms.find((model) => model.id === 'vittm-b')).toMatchObject({ memoryTokens: 196, processTokens: 49, depth: 12, width: 768 });
    expect((vittms.find((model) => model.id === 'vittm-b')!.macs as number) / 1e9).toBeCloseTo(7.11, 2);
    for (const model of models.filter((model) => model.family !== 'vittm')) {
      expect(Object.keys(model).sort()).toEqual(['depth', 'family', 'heads', 'id', 'macs', 'params', 'tokens', 'width']);
    }
    const table = await runCli(['models']);
    expect(table.stdout).toMatch(/vittm-b +vittm +12 +768 +12 +196\+49/);
  });
});
