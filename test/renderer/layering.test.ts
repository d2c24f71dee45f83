import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const rendererRoot = path.resolve(__dirname, '../../renderer/src');
const repoRoot = path.resolve(__dirname, '../..');

/** What the browser bundle may load from electron/: the contract, its documents, its client and the engine's zod-only contracts. */
const BROWSER_SAFE = [/^electron\/api\/contract$/, /^electron\/api\/documents$/, /^electron\/api\/client$/, /^electron\/engine\/contracts\/[a-z-]+$/];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(full) ? [full] : [];
  });
}

/** Imports that put code in the bundle: `import type …` and `export type …` are erased and left out. */
function valueImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]);
}

describe('renderer layering', () => {
  it('the renderer talks to the engine only through the API contract: no Node-side module reaches the bundle', () => {
    const files = sourceFiles(rendererRoot);
    expect(files.length).toBeGreaterThan(20);
    const offending = files.flatMap((file) =>
      valueImportsOf(file)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => path.relative(repoRoot, path.resolve(path.dirname(file), specifier)).replace(/\.js$/, ''))
        .filter((target) => target.startsWith('electron/') && !BROWSER_SAFE.some((allowed) => allowed.test(target)))
        .map((target) => `${path.relative(repoRoot, file)} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('never imports Node built-ins or electron', () => {
    const offending = sourceFiles(rendererRoot).flatMap((file) =>
      valueImportsOf(file)
        .filter((specifier) => /^(node:|electron$|fs$|path$|child_process$)/.test(specifier))
        .map((specifier) => `${path.relative(repoRoot, file)} imports ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});
