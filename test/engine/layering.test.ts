import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const engineRoot = path.resolve(__dirname, '../../electron/engine');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((match) => match[1]);
}

const electronRoot = path.dirname(engineRoot);

/** A relative import that lands in the shell layers above the engine. */
function higherLayer(file: string, specifier: string): boolean {
  const target = path.relative(electronRoot, path.resolve(path.dirname(file), specifier));
  return /^(cli|server|main|preload)(\/|$)/.test(target);
}

describe('engine layering', () => {
  it('the engine is a plain Node library: no electron, CLI, server or React imports', () => {
    const files = sourceFiles(engineRoot);
    expect(files.length).toBeGreaterThan(10);
    const offending = files.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => /^(electron|react)(\/|$)/.test(specifier) || (specifier.startsWith('.') && higherLayer(file, specifier)))
        .map((specifier) => `${path.relative(engineRoot, file)} imports ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});

describe('API layering', () => {
  it('the API contract and engine host never import electron or the shells above them', () => {
    const apiRoot = path.join(electronRoot, 'api');
    const files = sourceFiles(apiRoot);
    expect(files.length).toBeGreaterThan(3);
    const offending = files.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => /^(electron|react)(\/|$)/.test(specifier) || (specifier.startsWith('.') && higherLayer(file, specifier)))
        .map((specifier) => `${path.relative(electronRoot, file)} imports ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});
