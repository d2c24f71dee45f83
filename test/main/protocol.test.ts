import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rendererResponse } from '../../electron/main/protocol.js';

describe('app:// protocol: the built renderer and nothing else', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'edgetune-app-protocol-'));
  const rendererDir = path.join(root, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>EdgeTune</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'secret.txt'), 'not for the page');

  it('serves files of the renderer with their MIME type and the CSP', async () => {
    const page = await rendererResponse('app://edgetune/index.html', rendererDir);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await rendererResponse('app://edgetune/assets/app.js', rendererDir);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('refuses paths that leave the renderer folder and other hosts', async () => {
    for (const url of ['app://edgetune/..%2fsecret.txt', 'app://edgetune/%2e%2e/secret.txt', 'app://edgetune/assets/..%5c..%5csecret.txt', 'app://other/index.html']) {
      expect((await rendererResponse(url, rendererDir)).status, url).toBe(404);
    }
  });

  it('says how to build the renderer when it is missing', async () => {
    const response = await rendererResponse('app://edgetune/index.html', path.join(root, 'missing'));
    expect(await response.text()).toMatch(/not built/);
  });
});
