import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, errorText } from '../errors.js';
import { JsonLinesProcess, ProcessEndedError, RemoteError, RequestTimeoutError, describeEnd } from './python-process.js';
import { TORCH_PROTOCOL_VERSION, type TorchDevice, type TorchFacts } from './torch-protocol.js';

/** Where a python came from: --python, EDGETUNE_PYTHON, python3 on PATH, or the system's own. */
export type PythonSource = 'flag' | 'env' | 'path' | 'system';

export interface PythonCandidate {
  command: string;
  source: PythonSource;
  /** the file the command resolves to, when it is found */
  resolved?: string;
}

/** One python tried, and what it lacked. */
export interface PythonAttempt {
  command: string;
  source: PythonSource;
  resolved?: string;
  /** sys.executable as the script saw it */
  executable?: string;
  python?: string;
  torch?: string | null;
  usable: boolean;
  /** why it cannot run the backend (as asked) */
  reason?: string;
}

export interface TorchProcess {
  process: JsonLinesProcess;
  facts: TorchFacts;
  candidate: PythonCandidate;
  attempts: PythonAttempt[];
}

export interface TorchDiscoveryRequest {
  /** --python */
  python?: string;
  /** the device the process must be able to use; 'auto' takes any working torch */
  device?: TorchDevice | 'auto';
  env?: NodeJS.ProcessEnv;
  /** importing torch takes seconds on a busy machine; allow for it */
  helloTimeoutMs?: number;
}

const SYSTEM_PYTHON = '/usr/bin/python3';
const MIN_TORCH = [1, 10];
const SCRIPT_NAME = 'edgetune_torch_backend.py';

/** resources/torch/edgetune_torch_backend.py, found from sources (electron/…) and from the build (dist/electron/…). */
export function torchScriptPath(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const candidate = path.join(folder, 'resources', 'torch', SCRIPT_NAME);
    if (existsSync(candidate)) return candidate;
    folder = path.dirname(folder);
  }
  throw new UserError('torch-script-missing', `EdgeTune's PyTorch backend script (resources/torch/${SCRIPT_NAME}) is missing from this install`, 'reinstall EdgeTune; the resources/ folder must sit beside dist/');
}

/**
 * The pythons to try, in order. A python the user named (--python, else EDGETUNE_PYTHON) is the only
 * one tried: quietly measuring another interpreter's torch would not be what was asked for.
 */
export function pythonCandidates(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): PythonCandidate[] {
  if (configured) return [{ command: configured, source: 'flag', resolved: resolveCommand(configured, env) }];
  if (env.EDGETUNE_PYTHON) return [{ command: env.EDGETUNE_PYTHON, source: 'env', resolved: resolveCommand(env.EDGETUNE_PYTHON, env) }];
  const candidates: PythonCandidate[] = [];
  const seen = new Set<string>();
  for (const candidate of [
    { command: 'python3', source: 'path' as const },
    { command: SYSTEM_PYTHON, source: 'system' as const },
  ]) {
    const resolved = resolveCommand(candidate.command, env);
    const identity = resolved ? realOrSame(resolved) : candidate.command;
    if (seen.has(identity)) continue;
    seen.add(identity);
    candidates.push({ ...candidate, resolved });
  }
  return candidates;
}

/**
 * Starts the backend script with the first candidate whose torch can use `device`, and keeps that
 * process: the discovery's `hello` is the backend's first request. Every candidate tried is reported.
 */
export async function startTorchProcess(request: TorchDiscoveryRequest = {}): Promise<TorchProcess> {
  const env = request.env ?? process.env;
  const script = torchScriptPath();
  const attempts: PythonAttempt[] = [];
  const candidates = pythonCandidates(request.python, env);
  for (const candidate of candidates) {
    const { attempt, process, facts } = await tryCandidate(candidate, script, request.device ?? 'auto', request.helloTimeoutMs ?? 90_000, env);
    attempts.push(attempt);
    if (process && facts) return { process, facts, candidate, attempts };
  }
  throw noUsablePython(candidates, attempts, request.device ?? 'auto');
}

/** What the probe shows: every candidate tried, and the facts of the first with torch. */
export async function discoverTorch(request: Omit<TorchDiscoveryRequest, 'device'> = {}): Promise<{ attempts: PythonAttempt[]; facts?: TorchFacts; candidate?: PythonCandidate }> {
  try {
    const found = await startTorchProcess({ ...request, device: 'auto' });
    await closeTorchProcess(found.process);
    return { attempts: found.attempts, facts: found.facts, candidate: found.candidate };
  } catch (error) {
    if (error instanceof NoUsablePythonError) return { attempts: error.attempts };
    throw error;
  }
}

export async function closeTorchProcess(process: JsonLinesProcess): Promise<void> {
  await process.request({ op: 'close' }, 5_000).catch(() => undefined);
  await process.waitForExit(2_000);
}

async function tryCandidate(
  candidate: PythonCandidate,
  script: string,
  device: TorchDevice | 'auto',
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
): Promise<{ attempt: PythonAttempt; process?: JsonLinesProcess; facts?: TorchFacts }> {
  const base = { command: candidate.command, source: candidate.source, resolved: candidate.resolved };
  const process = JsonLinesProcess.spawn(candidate.command, [script], { env });
  let facts: TorchFacts;
  try {
    facts = await process.request<TorchFacts>({ op: 'hello' }, timeoutMs);
  } catch (error) {
    process.kill();
    return { attempt: { ...base, usable: false, reason: startFailure(error) } };
  }
  const described = { ...base, executable: facts.executable, python: facts.python, torch: facts.torch };
  const lack = lackOf(facts, device);
  if (lack) {
    await closeTorchProcess(process);
    return { attempt: { ...described, usable: false, reason: lack } };
  }
  return { attempt: { ...described, usable: true }, process, facts };
}

function startFailure(error: unknown): string {
  if (error instanceof ProcessEndedError) {
    const said = [...error.stderr.slice(-2), ...error.stray.slice(-1)].join(' | ');
    if (error.end.spawnError) return describeEnd(error.end);
    if (error.stray.length > 0 && error.end.code === 0) return `it is not a python that runs EdgeTune's script (it printed: ${said})`;
    return `${describeEnd(error.end)} before answering${said ? `: ${said}` : ' (no output)'}`;
  }
  if (error instanceof RequestTimeoutError) return `${error.message} (importing torch can be slow, but not this slow)`;
  if (error instanceof RemoteError) return error.message;
  return errorText(error);
}

function lackOf(facts: TorchFacts, device: TorchDevice | 'auto'): string | undefined {
  if (facts.protocol !== TORCH_PROTOCOL_VERSION) return `the backend script speaks protocol ${facts.protocol}, EdgeTune ${TORCH_PROTOCOL_VERSION}: reinstall EdgeTune`;
  if (facts.torch === null) return `Python ${facts.python} has no usable torch (${facts.torchError})`;
  if (olderThan(facts.torch, MIN_TORCH)) return `torch ${facts.torch} is older than ${MIN_TORCH.join('.')}, which the backend needs (torch.frombuffer)`;
  if (device === 'cuda' && !facts.cuda?.available) return `torch ${facts.torch} cannot use CUDA: ${facts.cuda?.reason ?? 'unknown reason'}`;
  if (device === 'mps' && !facts.mps?.available) return `torch ${facts.torch} cannot use MPS${facts.mps?.built ? ' (built with it, but no Apple GPU is available)' : ' (built without it)'}`;
  return undefined;
}

/** Raised when no candidate can run the backend; the attempts say what each lacked. */
export class NoUsablePythonError extends UserError {
  constructor(code: string, message: string, fix: string, readonly attempts: PythonAttempt[]) {
    super(code, message, fix);
  }
}

export function describeAttempt(attempt: PythonAttempt): string {
  const name = attempt.source === 'flag' ? `--python ${attempt.command}` : attempt.source === 'env' ? `EDGETUNE_PYTHON=${attempt.command}` : attempt.command;
  const where = attempt.executable ?? attempt.resolved;
  return `${name}${where && where !== attempt.command ? ` (${where})` : ''}${attempt.reason ? `: ${attempt.reason}` : ''}`;
}

function noUsablePython(candidates: PythonCandidate[], attempts: PythonAttempt[], device: TorchDevice | 'auto'): NoUsablePythonError {
  const tried = attempts.map(describeAttempt).join('; ');
  const withTorch = attempts.filter((attempt) => attempt.torch);
  const named = candidates[0]?.source === 'flag' || candidates[0]?.source === 'env';
  const usePython = named
    ? 'pass --python naming a python 3 that has torch (e.g. --python /usr/bin/python3)'
    : 'or pass --python PATH (or set EDGETUNE_PYTHON) naming a python that has it';
  if (withTorch.length > 0 && (device === 'cuda' || device === 'mps')) {
    const fix =
      device === 'cuda'
        ? 'install a CUDA build of PyTorch with an NVIDIA driver (pip install torch: see pytorch.org/get-started), pass --python naming a python that has one, or use --device cpu'
        : 'MPS needs macOS 12.3+ on Apple silicon and torch ≥ 1.12; or use --device cpu';
    return new NoUsablePythonError('torch-device-unavailable', `no python here has a torch that can use ${device.toUpperCase()}: ${tried}`, fix, attempts);
  }
  const lacksTorchOnly = attempts.some((attempt) => attempt.python !== undefined && !attempt.torch);
  const install = `install PyTorch: \`python3 -m pip install torch\`, or on Debian/Ubuntu \`sudo apt install python3-torch\` (for ${SYSTEM_PYTHON})`;
  if (named) {
    return new NoUsablePythonError(
      'torch-unavailable',
      `the PyTorch backend cannot run with ${tried}`,
      lacksTorchOnly ? `${install} for that python, or ${usePython}` : usePython,
      attempts,
    );
  }
  return new NoUsablePythonError('torch-unavailable', `no python with torch found for the PyTorch backend: ${tried}`, `${install}, ${usePython}`, attempts);
}

function resolveCommand(command: string, env: NodeJS.ProcessEnv): string | undefined {
  if (command.includes('/') || command.includes(path.sep)) return existsSync(command) ? path.resolve(command) : undefined;
  for (const folder of (env.PATH ?? '').split(path.delimiter)) {
    if (!folder) continue;
    const file = path.join(folder, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function realOrSame(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function olderThan(version: string, minimum: number[]): boolean {
  const [major, minor] = version.split(/[.+a-z]/).map(Number);
  if (!Number.isFinite(major) || !Number.isFinite(minor)) return false;
  return major < minimum[0] || (major === minimum[0] && minor < minimum[1]);
}
