import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs an engine module as a separate Node process (TypeScript sources get tsx's loader) and
 * collects its output. Used where native code must not share our process.
 */
export function runEngineChild(moduleUrl: URL, args: string[] = [], timeoutMs = 60_000): Promise<ChildOutput> {
  const fromSource = moduleUrl.pathname.endsWith('.ts');
  const nodeArgs = [...(fromSource ? ['--import', 'tsx'] : []), fileURLToPath(moduleUrl), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The sibling module of `from` with the same extension (.ts from sources, .js when built). */
export function siblingModule(from: string, name: string): URL {
  const extension = from.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, from);
}
