import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '../..');

/** `edgetune serve …` from the sources, in a private EDGETUNE_HOME. */
function startServe(args: string[], home: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "const { main } = await import('./electron/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));", 'serve', ...args],
    { cwd: repoRoot, env: { ...process.env, EDGETUNE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output, exited };
}

async function until(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function interrupt(child: ChildProcess): void {
  child.kill('SIGINT');
}

describe('edgetune serve (the command)', () => {
  it('prints its URL with the token, and Ctrl-C cancels running jobs, keeping their runs', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'edgetune-serve-home-'));
    const serve = startServe(['--port', '0', '--json'], home);
    await until(() => serve.output.stdout.includes('\n'));
    const printed = JSON.parse(serve.output.stdout.split('\n')[0]);
    expect(printed.url).toBe(`http://127.0.0.1:${printed.port}/?token=${printed.token}`);
    expect(printed.runsRoot).toBe(path.join(home, 'runs'));

    const call = (name: string, body: unknown) =>
      fetch(`http://127.0.0.1:${printed.port}/api/${name}`, { method: 'POST', headers: { Authorization: `Bearer ${printed.token}` }, body: JSON.stringify(body) }).then((response) => response.json() as Promise<any>);
    const started = await call('startSweep', { model: 'vit-s16', ep: 'cpu', strategy: 'block', validate: false });
    expect(started.ok).toBe(true);
    await until(() => readdirSync(path.join(home, 'runs')).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    interrupt(serve.child);
    expect(await serve.exited).toBe(0);
    expect(serve.output.stderr).toMatch(/stopping: cancelling running jobs/);
    const run = JSON.parse(readFileSync(path.join(home, 'runs', started.value.runId, 'run.json'), 'utf8'));
    expect(run.status).toBe('incomplete');
  });

  it('warns when listening beyond this machine', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'edgetune-serve-home-'));
    const serve = startServe(['--port', '0', '--host', '0.0.0.0'], home);
    await until(() => /warning: listening on 0\.0\.0\.0/.test(serve.output.stderr));
    expect(serve.output.stdout).toMatch(/EdgeTune is serving http:\/\/.+:\d+\/\?token=[\w-]{40,}/);
    expect(serve.output.stdout).toMatch(/ssh -N -L/);
    interrupt(serve.child);
    expect(await serve.exited).toBe(0);
  });
});
