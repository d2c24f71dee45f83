/**
 * The renderer in a real Chromium against a real `edgetune serve`: the jobs users come for, done
 * from the UI. Needs the builds (tsc -p tsconfig.build.json, vite build -c renderer/vite.config.ts)
 * and Debian's chromium. Screenshots of every page, in both themes, go to test-output/screenshots/;
 * first paint and the 10,000-point chart's timings go to test-output/e2e-figures.json (recorded,
 * not asserted beyond sanity bounds: this runs on shared 2-core machines).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { scheduleSchema } from '../../electron/engine/contracts/schedule';
import { launchChromium, nextFrames, outputDir, screenshotBothThemes, setTheme } from './browser';
import { startServe, type Served } from './serve';
import { writeSyntheticRun } from './synthetic-runs';

const LARGE_RUN = { runId: '20200101-000000-sweep-synthetic-10k', label: 'synthetic-10k', createdAt: '2020-01-01T00:00:00.000Z', points: 10_000, plateauWidth: 500 };
const DOOMED_RUN = { runId: '20200101-000001-sweep-delete-me', label: 'delete-me', createdAt: '2020-01-01T00:00:01.000Z', points: 16, plateauWidth: 8 };

interface Figures {
  browser: string;
  cpus: number;
  firstContentfulPaintMs: Partial<Record<'light' | 'dark', number>>;
  /** until the page list is on screen: the engine answered getInfo */
  appReadyMs: Partial<Record<'light' | 'dark', number>>;
  sweepFromUiMs?: number;
  liveChartUpdatesBeforeProfile?: number;
  chart10k?: Record<string, number>;
  screenshots: string[];
}

describe('the web UI against edgetune serve', () => {
  let home: string;
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let sweepRunId: string | undefined;
  const figures: Figures = { browser: '', cpus: os.cpus().length, firstContentfulPaintMs: {}, appReadyMs: {}, screenshots: [] };

  const nav = (name: string) => page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name, exact: true });

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'edgetune-e2e-'));
    const runsRoot = path.join(home, 'runs');
    await writeSyntheticRun(runsRoot, LARGE_RUN);
    await writeSyntheticRun(runsRoot, DOOMED_RUN);
    served = await startServe(home);
    browser = await launchChromium();
    figures.browser = browser.version();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await mkdir(outputDir, { recursive: true });
    await writeFile(path.join(outputDir, 'e2e-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('refuses a request without the token (401), on the API, the page and the event socket', async () => {
    const bare = await fetch(`${served.origin}/api/getInfo`, { method: 'POST', body: '{}' });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ ok: false, error: { message: expect.any(String) } });
    const wrong = await fetch(`${served.origin}/api/listRuns`, { method: 'POST', headers: { authorization: 'Bearer not-the-token' }, body: '{}' });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${served.origin}/`)).status).toBe(401);
    const socketStatus = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${served.origin.replace(/^http/, 'ws')}/api/events`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => reject(new Error('the event socket opened without a token')));
      socket.on('error', () => undefined);
    });
    expect(socketStatus).toBe(401);
    const allowed = await fetch(`${served.origin}/api/getInfo`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: '{}' });
    expect(allowed.status).toBe(200);
  });

  it('paints first quickly in both themes and takes the token out of the address bar', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
      const freshPage = await fresh.newPage();
      await freshPage.goto(`${served.url}#models`);
      await freshPage.getByRole('navigation', { name: 'Pages' }).waitFor();
      const readyMs = await freshPage.evaluate(() => performance.now());
      const paintMs = await freshPage.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1);
      figures.firstContentfulPaintMs[colorScheme] = Math.round(paintMs);
      figures.appReadyMs[colorScheme] = Math.round(readyMs);
      expect(paintMs).toBeGreaterThan(0);
      expect(paintMs).toBeLessThan(10_000);
      expect(await freshPage.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
      expect(freshPage.url()).not.toContain('token=');
      await fresh.close();
    }
  });

  it('shows the device: facts, and providers that work or why not', async () => {
    await page.goto(`${served.url}#device`);
    await expect.poll(() => page.getByTestId('provider-table').isVisible(), { timeout: 60_000 }).toBe(true);
    const cpuRow = page.getByTestId('provider-table').getByRole('row', { name: /^cpu/ });
    await expect.poll(() => cpuRow.textContent()).toContain('works');
    expect(await page.getByTestId('best-provider').textContent()).toBeTruthy();
    figures.screenshots.push(...(await screenshotBothThemes(page, 'device')));
  });

  it('runs a short sweep from the UI and shows the live chart, then its steps and regime', async () => {
    await nav('Sweep').click();
    await page.getByLabel('model', { exact: true }).selectOption('vit-ti16');
    await page.getByLabel('execution provider').selectOption('cpu');
    await page.getByLabel('tokens (A:B)').fill('1:8');
    await page.getByLabel('passes').fill('1');
    await page.getByLabel('strategy').selectOption('block');
    await page.getByLabel('check the block against the whole model').uncheck();
    // Points drawn before the finished profile arrives can only have come over the event socket.
    await page.evaluate(() => {
      const frame = document.querySelector('[data-testid="staircase-chart"]')!;
      const seen = { live: 0 };
      (window as unknown as { liveSeen: typeof seen }).liveSeen = seen;
      new MutationObserver(() => {
        if (!document.querySelector('[data-testid="profile-summary"]') && Number((frame as HTMLElement).dataset.points) > 0) seen.live += 1;
      }).observe(frame, { attributes: true, attributeFilter: ['data-points'] });
    });
    const startedAt = Date.now();
    await page.getByRole('button', { name: 'Start sweep' }).click();
    await page.getByTestId('profile-summary').waitFor({ timeout: 110_000 });
    figures.sweepFromUiMs = Date.now() - startedAt;
    figures.liveChartUpdatesBeforeProfile = await page.evaluate(() => (window as unknown as { liveSeen: { live: number } }).liveSeen.live);

    expect(await page.getByTestId('sweep-status').textContent()).toMatch(/Sweep complete|ended early/);
    expect(figures.liveChartUpdatesBeforeProfile).toBeGreaterThan(0);
    const chart = page.getByTestId('staircase-chart');
    expect(await chart.getAttribute('data-points')).toBe('8');
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    const box = (await chart.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('chart-readout').first().textContent()).toMatch(/^\d+ tokens · .*ms median, p10–p90/);
    const summary = page.getByTestId('profile-summary');
    expect(await summary.locator('.badge').textContent()).toMatch(/staircase|flat|linear|ramp|noisy|too-few-points/);
    expect((await page.getByTestId('profile-summary-text').textContent())!.length).toBeGreaterThan(10);
    expect((await page.getByTestId('steps-table').count()) + (await summary.getByText(/^No steps:/).count())).toBe(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download raw timings (CSV)' }).first().click()]);
    expect(download.suggestedFilename()).toBe('raw-timings.csv');
    expect((await readFile((await download.path())!, 'utf8')).split('\n')[0]).toContain('tokens');
    figures.screenshots.push(...(await screenshotBothThemes(page, 'sweep')));

    const runs = (await (await fetch(`${served.origin}/api/listRuns`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` }, body: '{}' })).json()) as {
      value: { runs: { runId: string; label: string }[] };
    };
    sweepRunId = runs.value.runs.find((run) => run.label === 'vit-ti16')?.runId;
    expect(sweepRunId).toBeDefined();
    expect(existsSync(path.join(served.runsRoot, sweepRunId!, 'profile.json'))).toBe(true);
  });

  it('exports a schedule whose file parses as schedule.json', async () => {
    expect(sweepRunId).toBeDefined();
    await page.getByRole('button', { name: 'Make a schedule from this run' }).click();
    await page.getByTestId('schedule-summary').waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export schedule.json' }).click()]);
    expect(download.suggestedFilename()).toBe('schedule.json');
    const schedule = scheduleSchema.parse(JSON.parse(await readFile((await download.path())!, 'utf8')));
    expect(schedule.schema).toBe('edgetune/schedule@1');
    expect(schedule.keepTokens).toBeLessThanOrEqual(schedule.baselineTokens);
    expect(Number((await page.getByTestId('keep-tokens').textContent())!)).toBe(schedule.keepTokens);
    figures.screenshots.push(...(await screenshotBothThemes(page, 'schedule')));
  });

  it("shows the engine's error and its fix where the sweep was started", async () => {
    await nav('Sweep').click();
    await page.getByLabel('model', { exact: true }).selectOption('vit-ti16');
    await page.getByLabel('execution provider').selectOption('cpu');
    await page.getByLabel('tokens (A:B)').fill('1:3');
    await page.getByRole('button', { name: 'Start sweep' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'too few to see a staircase' });
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toMatch(/Fix: .*sweep at least 5 token counts/);
    figures.screenshots.push(...(await screenshotBothThemes(page, 'sweep-error')));
  });

  it('lists the built-in models', async () => {
    await nav('Models').click();
    const table = page.getByTestId('models-table');
    await table.waitFor();
    expect(await table.getByRole('rowheader', { name: 'vit-b16', exact: true }).count()).toBe(1);
    figures.screenshots.push(...(await screenshotBothThemes(page, 'models')));
  });

  it('opens a run from the Runs page', async () => {
    await nav('Runs').click();
    const row = page.locator(`[data-run-id="${sweepRunId}"]`);
    await row.getByRole('button', { name: /^Open / }).click();
    const detail = page.getByTestId('run-detail');
    await detail.getByTestId('profile-summary').waitFor();
    expect(await detail.getByText('raw-timings.csv', { exact: true }).count()).toBe(1);
    expect(await detail.getByTestId('staircase-chart').getAttribute('data-points')).toBe('8');
    figures.screenshots.push(...(await screenshotBothThemes(page, 'runs')));
  });

  it('keeps the chart responsive with 10,000 points, and overlays two runs', async () => {
    await page.evaluate(() => {
      const record = { longTasks: 0, longestTaskMs: 0 };
      (window as unknown as { longTaskRecord: typeof record }).longTaskRecord = record;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          record.longTasks += 1;
          record.longestTaskMs = Math.max(record.longestTaskMs, entry.duration);
        }
      }).observe({ type: 'longtask' });
    });
    const opened = await page.evaluate(async (runId) => {
      const started = performance.now();
      const drawn = new Promise<PerformanceEntry>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the 10,000-point chart was not drawn in 60 s')), 60_000);
        const observer = new PerformanceObserver((list) => {
          const entry = list.getEntries().find((candidate) => (candidate as PerformanceMeasure).detail?.points === 10_000);
          if (!entry) return;
          clearTimeout(timer);
          observer.disconnect();
          resolve(entry);
        });
        observer.observe({ type: 'measure' });
      });
      document.querySelector<HTMLButtonElement>(`[data-run-id="${runId}"] button[aria-label^="Open"]`)!.click();
      const entry = await drawn;
      return { openToDrawnMs: entry.startTime + entry.duration - started, drawMs: entry.duration };
    }, LARGE_RUN.runId);

    const detail = page.getByTestId('run-detail');
    expect(await detail.getByTestId('staircase-chart').getAttribute('data-points')).toBe('10000');
    const hover = await page.evaluate(async () => {
      const over = document.querySelector('[data-testid="run-detail"] .u-over')!;
      const readout = document.querySelector('[data-testid="run-detail"] [data-testid="chart-readout"]')!;
      const rect = over.getBoundingClientRect();
      const moves = 60;
      const readouts = new Set<string>();
      let handlerMs = 0;
      let slowestHandlerMs = 0;
      const started = performance.now();
      for (let move = 0; move < moves; move += 1) {
        const event = new MouseEvent('mousemove', { clientX: rect.left + (rect.width * (move + 0.5)) / moves, clientY: rect.top + rect.height / 2, bubbles: true });
        const before = performance.now();
        over.dispatchEvent(event);
        const spent = performance.now() - before;
        handlerMs += spent;
        slowestHandlerMs = Math.max(slowestHandlerMs, spent);
        await new Promise(requestAnimationFrame);
        readouts.add(readout.textContent ?? '');
      }
      return { hoverHandlerMs: handlerMs / moves, slowestHoverHandlerMs: slowestHandlerMs, hoverFrameMs: (performance.now() - started) / moves, distinctReadouts: readouts.size };
    });
    expect(hover.distinctReadouts).toBeGreaterThan(30);

    const slider = detail.getByRole('slider');
    await slider.focus();
    const keyboard = await page.evaluate(async () => {
      const frame = document.querySelector('[data-testid="run-detail"] [role="slider"]')!;
      const steps = 40;
      const started = performance.now();
      for (let step = 0; step < steps; step += 1) {
        frame.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
        await new Promise(requestAnimationFrame);
      }
      return { keyboardStepMs: (performance.now() - started) / steps, valueNow: Number(frame.getAttribute('aria-valuenow')) };
    });
    expect(keyboard.valueNow).toBeGreaterThan(1);
    await page.keyboard.press('End');
    expect(await slider.getAttribute('aria-valuenow')).toBe('10000');
    expect(await slider.getAttribute('aria-valuetext')).toMatch(/^10000 tokens · /);

    const themeStarted = await page.evaluate(() => performance.now());
    await page.getByTestId('theme-toggle').selectOption('dark');
    await nextFrames(page);
    const themeRebuildMs = (await page.evaluate(() => performance.now())) - themeStarted;
    await page.screenshot({ path: path.join(outputDir, 'screenshots', 'runs-10k-points-dark.png'), fullPage: true });
    await setTheme(page, 'light');
    await page.screenshot({ path: path.join(outputDir, 'screenshots', 'runs-10k-points-light.png'), fullPage: true });
    figures.screenshots.push('test-output/screenshots/runs-10k-points-light.png', 'test-output/screenshots/runs-10k-points-dark.png');
    const longTasks = await page.evaluate(() => (window as unknown as { longTaskRecord: { longTasks: number; longestTaskMs: number } }).longTaskRecord);

    figures.chart10k = {
      points: 10_000,
      steps: Math.floor((LARGE_RUN.points - 1) / LARGE_RUN.plateauWidth),
      openToDrawnMs: Math.round(opened.openToDrawnMs),
      drawMs: Math.round(opened.drawMs * 10) / 10,
      hoverHandlerMs: Math.round(hover.hoverHandlerMs * 100) / 100,
      slowestHoverHandlerMs: Math.round(hover.slowestHoverHandlerMs * 10) / 10,
      hoverFrameMs: Math.round(hover.hoverFrameMs * 10) / 10,
      keyboardStepMs: Math.round(keyboard.keyboardStepMs * 10) / 10,
      themeRebuildMs: Math.round(themeRebuildMs),
      longTasks: longTasks.longTasks,
      longestTaskMs: Math.round(longTasks.longestTaskMs),
    };
    expect(opened.drawMs).toBeLessThan(5_000);
    expect(hover.hoverHandlerMs).toBeLessThan(200);

    await page.getByRole('checkbox', { name: /synthetic-10k/ }).check();
    await page.locator(`[data-run-id="${sweepRunId}"]`).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Compare the two selected' }).click();
    const compare = page.getByTestId('compare-runs');
    // The sweep's 1..8 tokens fall inside the synthetic run's 1..10,000: the shared axis has 10,000 counts.
    await expect.poll(() => compare.getByTestId('staircase-chart').getAttribute('data-points'), { timeout: 30_000 }).toBe('10000');
    const description = (await compare.getByRole('group').first().getAttribute('aria-label')) ?? '';
    expect(description).toContain('synthetic-10k: 10000 counts');
    expect(description).toContain('vit-ti16: 8 counts');
    await compare.scrollIntoViewIfNeeded();
    figures.screenshots.push(...(await screenshotBothThemes(page, 'runs-compare')));
  });

  it('deletes a run only after confirmation', async () => {
    await page.getByRole('button', { name: 'Close comparison' }).click();
    const row = page.locator(`[data-run-id="${DOOMED_RUN.runId}"]`);
    await row.getByRole('button', { name: /^Delete / }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this run?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    expect(await row.count()).toBe(1);
    expect(existsSync(path.join(served.runsRoot, DOOMED_RUN.runId))).toBe(true);

    await row.getByRole('button', { name: /^Delete / }).click();
    await dialog.getByRole('button', { name: 'Delete run' }).click();
    await row.waitFor({ state: 'detached' });
    expect(existsSync(path.join(served.runsRoot, DOOMED_RUN.runId))).toBe(false);
  });
});
