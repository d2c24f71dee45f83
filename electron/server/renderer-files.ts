/**
 * The built renderer (what `vite build` writes to dist/renderer), served by `edgetune serve` and by
 * the desktop app's app:// protocol: only regular files inside that folder, with their MIME types.
 */
import { existsSync, readFileSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mimeTypeOf } from '../api/host/mime-types.js';

/** The folder holding package.json, from sources (electron/…) and from the build (dist/electron/…). */
export function packageRoot(from = fileURLToPath(import.meta.url)): string {
  for (let folder = path.dirname(from); folder !== path.dirname(folder); folder = path.dirname(folder)) {
    const manifest = path.join(folder, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'edgetune') return folder;
  }
  throw new Error(`EdgeTune's package.json not found above ${from}`);
}

export function defaultRendererDir(): string {
  return path.join(packageRoot(), 'dist', 'renderer');
}

export function rendererIsBuilt(rendererDir: string): boolean {
  return existsSync(path.join(rendererDir, 'index.html'));
}

export interface RendererFile {
  file: string;
  mimeType: string;
}

/**
 * The file a URL path names. '/' is index.html; a path without an extension that names no file
 * is index.html too (the page's own routes). Anything leaving the folder, by '..', encoded
 * separators or a symlink, is not found.
 */
export async function resolveRendererFile(rendererDir: string, urlPathname: string): Promise<RendererFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const relative = path.posix.normalize(decoded).replace(/^\/+/, '');
  if (relative.split('/').some((segment) => segment === '..')) return undefined;
  const wanted = relative === '' ? 'index.html' : relative;
  const found = await regularFileInside(rendererDir, wanted);
  if (found) return { file: found, mimeType: mimeTypeOf(found) };
  if (path.posix.extname(wanted) === '') {
    const index = await regularFileInside(rendererDir, 'index.html');
    if (index) return { file: index, mimeType: mimeTypeOf(index) };
  }
  return undefined;
}

async function regularFileInside(root: string, relative: string): Promise<string | undefined> {
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(path.join(root, relative))]);
    const inside = path.relative(realRoot, real);
    if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** Shown instead of the app when dist/renderer has not been built; the API works regardless. */
export function rendererMissingPage(rendererDir: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>EdgeTune</title></head>
<body><h1>EdgeTune</h1><p>The web UI is not built in this install (no ${escapeHtml(path.join(rendererDir, 'index.html'))}).
Build it with <code>npm run build</code>, then reload. Meanwhile everything works from a terminal:
<code>npx edgetune --help</code>.</p></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
