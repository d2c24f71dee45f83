import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Served {
  /** the page's address, token included */
  url: string;
  origin: string;
  token: string;
  runsRoot: string;
  stop(): Promise<void>;
}

/** The builds `edgetune serve` runs from; missing ones fail with the command that makes them. */
export function assertBuilt(): void {
  const missing = [
    ['dist/electron/cli/main.js', 'npx tsc -p tsconfig.build.json'],
    ['dist/renderer/index.html', 'npx vite build -c renderer/vite.config.ts'],
  ].filter(([file]) => !existsSync(path.join(repoRoot, file)));
  if (missing.length > 0) throw new Error(`the end-to-end tests need the builds first: ${missing.map(([file, command]) => `${file} (${command})`).join(', ')}`);
}

/** A real `edgetune serve` on a free port, its runs under `home`; it prints {url, token, …} once listening. */
export async function startServe(home: string): Promise<Served> {
  assertBuilt();
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/edgetune.js'), 'serve', '--port', '0', '--json'], {
    cwd: repoRoot,
    env: { ...process.env, EDGETUNE_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`edgetune serve printed nothing in 30 s; stderr: ${stderr}`)), 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`edgetune serve exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  const printed = JSON.parse(firstLine) as { url: string; token: string; runsRoot: string };
  return {
    url: printed.url,
    origin: new URL(printed.url).origin,
    token: printed.token,
    runsRoot: printed.runsRoot,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
