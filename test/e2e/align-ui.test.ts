/**
 * The pages for the engine's later jobs, in a real Chromium against a real `edgetune serve`: an
 * alignment run from the Align page on a tiny generated model (a candidate opened: metadata and
 * lineage), continued from there; a schedule validated on the device from the Schedule page; ViTTM
 * against ViT from the Models page; and those runs opened from Runs. Screenshots of each, in both
 * themes, go to test-output/screenshots/; timings to test-output/e2e-align-figures.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyEdgeTuneModel } from '../../electron/engine/diffusion/index';
import { launchChromium, outputDir, screenshotBothThemes } from './browser';
import { startServe, type Served } from './serve';
import { writeProfileRun } from './synthetic-runs';

const PROFILE_RUN = { runId: '20200102-000000-sweep-vit-ti16-step', label: 'vit-ti16', createdAt: '2020-01-02T00:00:00.000Z' };

describe('the Align, validation and ViTTM pages against edgetune serve', () => {
  let home: string;
  let modelFolder: string;
  let served: Served;
  let browser: Browser;
  let page: Page;
  let alignRunId: string | undefined;
  let validationRunId: string | undefined;
  const figures: { alignFromUiMs?: number; continueFromUiMs?: number; validateFromUiMs?: number; vittmFromUiMs?: number; vittmGridFromUiMs?: number; screenshots: string[] } = { screenshots: [] };

  const nav = (name: string) => page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name, exact: true });

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'edgetune-e2e-align-'));
    modelFolder = path.join(home, 'tiny-model');
    await writeTinyEdgeTuneModel(modelFolder, { imageSize: 16, seed: 3 });
    await writeProfileRun(path.join(home, 'runs'), PROFILE_RUN);
    served = await startServe(home);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await page.goto(`${served.url}#align`);
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await mkdir(outputDir, { recursive: true });
    await writeFile(path.join(outputDir, 'e2e-align-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('runs a short alignment from the Align page and opens a candidate: its metadata and lineage', async () => {
    const form = page.getByRole('form', { name: 'Alignment options' });
    await form.waitFor();
    await form.getByLabel('model', { exact: true }).selectOption({ label: 'a model folder…' });
    await form.getByLabel("model folder on the engine's machine").fill(modelFolder);
    await form.getByLabel('reward', { exact: true }).fill('jpeg-size');
    await form.getByLabel('algorithm').selectOption('cosyne');
    await form.getByRole('radio', { name: 'generations' }).check();
    await form.getByLabel('generations', { exact: true }).last().fill('2');
    await form.getByLabel('execution provider').selectOption('cpu');
    await form.getByText('More options').click();
    await form.getByLabel('denoising steps').fill('3');
    await form.getByLabel('images per model call').fill('8');
    await form.getByLabel('intra-op threads').fill('1');

    const startedAt = Date.now();
    await form.getByRole('button', { name: 'Start alignment' }).click();
    await expect.poll(() => page.getByTestId('align-status').textContent(), { timeout: 60_000 }).toBe('Alignment complete.');
    figures.alignFromUiMs = Date.now() - startedAt;

    const chart = page.getByTestId('fitness-chart');
    await expect.poll(() => chart.getAttribute('data-generations')).toBe('2');
    await chart.focus();
    await page.keyboard.press('Home');
    expect(await page.getByTestId('fitness-readout').textContent()).toMatch(/^generation 0 · best \d+ · mean \d+ · median \d+ · best so far \d+$/);

    const gallery = page.getByTestId('gallery');
    await expect.poll(() => gallery.getByRole('button').count()).toBe(24);
    expect(await page.getByTestId('generation-summary').textContent()).toMatch(/^Generation 1: 24 images, best \d+/);
    const crossover = gallery.getByRole('button', { name: /^generation 1, candidate \d+: rank 1,/ });
    await crossover.click();
    expect(await crossover.getAttribute('aria-pressed')).toBe('true');

    const detail = page.getByTestId('candidate-detail');
    await detail.waitFor();
    const metadata = detail.getByTestId('candidate-metadata');
    await expect.poll(() => metadata.textContent()).toContain('genome hash');
    expect(await metadata.textContent()).toMatch(/algorithmcosyne/);
    expect(await detail.getByTestId('candidate-recipe').textContent()).toMatch(/^edgetune align --model \S+ --reward jpeg-size --algo cosyne .*--steps 2 # then take candidate \d+ of generation 1/);
    const lineage = detail.getByTestId('candidate-lineage');
    expect(await lineage.textContent()).toMatch(/crossover of two parents|every coordinate taken from one of the/);
    const parent = lineage.getByRole('button', { name: /^generation 0, candidate \d+/ }).first();
    await parent.waitFor();
    const parentName = (await parent.textContent())!.match(/^generation 0, candidate (\d+)/)!;
    figures.screenshots.push(...(await screenshotBothThemes(page, 'align')));

    // A parent opens in its own generation, with its own detail.
    await parent.click();
    await expect.poll(() => detail.getByRole('heading', { level: 3 }).textContent()).toBe(`Generation 0, candidate ${parentName[1]}`);
    expect(await page.getByLabel('generation', { exact: true }).inputValue()).toBe('0');
    // Generation 0 is bred from nothing; its lineage names the candidates bred from it instead.
    const parentLineage = detail.getByTestId('candidate-lineage');
    expect(await parentLineage.textContent()).toContain('No parents.');
    expect(await parentLineage.getByRole('button', { name: /^generation 1, candidate \d+/ }).count()).toBeGreaterThan(0);
  });

  it('continues the run from here with one more generation', async () => {
    const startedAt = Date.now();
    await page.getByLabel('more generations').fill('1');
    await page.getByRole('button', { name: 'Continue the search' }).click();
    await expect.poll(() => page.getByTestId('fitness-chart').getAttribute('data-generations'), { timeout: 60_000 }).toBe('3');
    await expect.poll(() => page.getByTestId('align-status').textContent(), { timeout: 60_000 }).toBe('Alignment complete.');
    figures.continueFromUiMs = Date.now() - startedAt;
    // The summary is align.json read again once the job has ended.
    await expect.poll(() => page.getByTestId('align-run-summary').textContent()).toMatch(/^3 generations, 64 images/);
    alignRunId = (await page.getByTestId('align-run').getAttribute('data-run-id')) ?? undefined;
    expect(alignRunId).toMatch(/-align-cosyne-jpeg-size$/);
  });

  it('validates a schedule on the device from the Schedule page and shows the comparison table', async () => {
    await nav('Schedule').click();
    await page.getByLabel('profile from run').selectOption(PROFILE_RUN.runId);
    await expect.poll(() => page.getByTestId('keep-tokens').textContent(), { timeout: 30_000 }).toBe('192');
    const options = page.getByRole('form', { name: 'Validation options' });
    await options.getByLabel('rounds').fill('1');
    await options.getByLabel('execution provider').selectOption('cpu');
    const startedAt = Date.now();
    await options.getByRole('button', { name: 'Validate on this device' }).click();
    const table = page.getByTestId('validation-table');
    await table.waitFor({ timeout: 90_000 });
    figures.validateFromUiMs = Date.now() - startedAt;
    expect(await page.getByTestId('validate-status').textContent()).toBe('Validation complete.');
    expect(await table.locator('tbody tr').count()).toBe(4);
    const scheduleRow = table.locator('tr[data-variant="schedule"]');
    expect(await scheduleRow.textContent()).toMatch(/192.*×\d\.\d{3}/);
    expect(await table.getByRole('columnheader', { name: 'predicted', exact: true }).count()).toBe(1);
    expect(await page.getByTestId('validation-headline').textContent()).toMatch(/^vit-ti16 on cpu, 1 of 1 rounds: the schedule measured ×\d\.\d{3} against the baseline .*; its profile predicted ×\d\.\d{3}\.$/);
    await page.getByTestId('validation-view').scrollIntoViewIfNeeded();
    figures.screenshots.push(...(await screenshotBothThemes(page, 'schedule-validate')));

    await page.getByRole('button', { name: 'Open the validation run' }).click();
    const detail = page.getByTestId('run-detail');
    await detail.getByTestId('validation-table').waitFor();
    validationRunId = decodeURIComponent(new URL(page.url()).hash.replace(/^#runs\//, ''));
    expect(validationRunId).toMatch(/-validate-vit-ti16$/);
    await detail.scrollIntoViewIfNeeded();
    figures.screenshots.push(...(await screenshotBothThemes(page, 'runs-validate')));
  });

  it('compares ViTTM with ViT from the Models page: latency ratio beside MAC ratio', async () => {
    await nav('Models').click();
    const form = page.getByRole('form', { name: 'ViT vs ViTTM' });
    await form.getByLabel('ViTTM').selectOption('vittm-ti');
    await form.getByLabel('pruned ViT at').fill('none');
    await form.getByLabel('rounds').fill('1');
    await form.getByLabel('execution provider').selectOption('cpu');
    const startedAt = Date.now();
    await form.getByRole('button', { name: 'Compare ViT and ViTTM' }).click();
    const ratios = page.getByTestId('vittm-ratios');
    await ratios.waitFor({ timeout: 90_000 });
    figures.vittmFromUiMs = Date.now() - startedAt;
    expect(await ratios.getByRole('row', { name: /^vittm-ti \/ vit-ti16/ }).textContent()).toMatch(/\d\.\d{2}×.*0\.4\d×/);
    await page.getByTestId('vittm-compare-view').scrollIntoViewIfNeeded();
    figures.screenshots.push(...(await screenshotBothThemes(page, 'models-vittm')));
  });

  it('times a small ViTTM memory × process grid from the Models page and shows it as a heatmap', async () => {
    const form = page.getByRole('form', { name: 'Memory × process grid' });
    await form.getByLabel('ViTTM').selectOption('vittm-ti');
    await form.getByLabel('process tokens').fill('16,49');
    await form.getByLabel('memory tokens').fill('49,196');
    await form.getByLabel('passes').fill('1');
    await form.getByLabel('execution provider').selectOption('cpu');
    const startedAt = Date.now();
    await form.getByRole('button', { name: 'Time the grid' }).click();
    const grid = page.getByTestId('vittm-grid');
    await grid.waitFor({ timeout: 90_000 });
    figures.vittmGridFromUiMs = Date.now() - startedAt;
    expect(await grid.locator('tbody tr').count()).toBe(2);
    expect(await grid.locator('td.heat').count()).toBe(4);
    expect(await grid.getByRole('columnheader').allTextContents()).toEqual(['memory \\ process', '16', '49', 'row']);
    await page.getByTestId('vittm-grid-view').scrollIntoViewIfNeeded();
    figures.screenshots.push(...(await screenshotBothThemes(page, 'models-vittm-grid')));
  });

  it('opens the align run from Runs: fitness chart, gallery, a candidate with its lineage', async () => {
    expect(alignRunId).toBeDefined();
    await page.goto(`${served.url}#runs/${encodeURIComponent(alignRunId!)}`);
    const detail = page.getByTestId('run-detail');
    const chart = detail.getByTestId('fitness-chart');
    await expect.poll(() => chart.getAttribute('data-generations'), { timeout: 30_000 }).toBe('3');
    const gallery = detail.getByTestId('gallery');
    await expect.poll(() => gallery.getByRole('button').count()).toBe(24);
    await gallery.getByRole('button').first().click();
    const lineage = detail.getByTestId('candidate-lineage');
    await expect.poll(() => lineage.getByRole('button').count()).toBeGreaterThan(0);
    expect(await detail.getByRole('heading', { name: 'Continue from here' }).count()).toBe(1);
    expect(await detail.getByText(/^All \d+ files/).count()).toBe(1);
    figures.screenshots.push(...(await screenshotBothThemes(page, 'runs-align')));
  });

  it('shows an alignment the engine refuses where it was started, with the fix', async () => {
    await nav('Align').click();
    const form = page.getByRole('form', { name: 'Alignment options' });
    await form.getByLabel('model', { exact: true }).selectOption({ label: 'a model folder…' });
    await form.getByLabel("model folder on the engine's machine").fill(modelFolder);
    await form.getByLabel('reward', { exact: true }).fill('brightness in [0.3');
    await form.getByLabel('execution provider').selectOption('cpu');
    await form.getByRole('button', { name: 'Start alignment' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not start the alignment' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/reward spec .*Fix: write e\.g\. `jpeg-size`/);
  });
});
