import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './serve';

export const outputDir = path.join(repoRoot, 'test-output');
export const screenshotDir = path.join(outputDir, 'screenshots');

/** Debian's chromium; EDGETUNE_CHROMIUM names another build. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.EDGETUNE_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install it (Debian: apt-get install chromium) or set EDGETUNE_CHROMIUM to a Chromium binary`);
  }
  return chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true });
}

export type ThemeName = 'light' | 'dark';

export async function setTheme(page: Page, theme: ThemeName): Promise<void> {
  await page.getByTestId('theme-toggle').selectOption(theme);
  await page.waitForFunction((wanted) => document.documentElement.dataset.theme === wanted, theme);
  // The chart rebuilds with the theme's colours on the next frame.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** The page as it is now, once in each theme: test-output/screenshots/<name>-light.png and -dark.png. */
export async function screenshotBothThemes(page: Page, name: string): Promise<string[]> {
  await mkdir(screenshotDir, { recursive: true });
  const saved: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    const file = path.join(screenshotDir, `${name}-${theme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    saved.push(path.relative(repoRoot, file));
  }
  await setTheme(page, 'light');
  return saved;
}

export async function nextFrames(page: Page, count = 2): Promise<void> {
  await page.evaluate(
    (frames) =>
      new Promise<void>((resolve) => {
        let left = frames;
        const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
      }),
    count,
  );
}
