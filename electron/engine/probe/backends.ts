import { errorText, isUserError } from '../errors.js';
import { discoverTorch, type PythonAttempt } from '../measure/python-discovery.js';
import type { TorchCudaDevice } from '../measure/torch-protocol.js';
import { locateTrtexec, runTrtexec } from '../measure/trt-backend.js';
import { parseTrtexecStdout } from '../measure/trt-output.js';

/** The PyTorch backend (`--backend torch`): which python runs it, its torch and the devices torch can use. */
export interface TorchBackendStatus {
  available: boolean;
  /** the interpreter that would run it (sys.executable) */
  python?: string;
  pythonVersion?: string;
  torch?: string;
  cuda?: { available: boolean; version: string | null; devices: TorchCudaDevice[]; reason: string | null };
  mps?: { available: boolean };
  /** every python tried, in order, with what it lacked */
  attempts: PythonAttempt[];
  reason?: string;
  fix?: string;
}

/** The TensorRT backend (`--backend trt`): trtexec and its TensorRT version. */
export interface TensorRtBackendStatus {
  available: boolean;
  trtexec?: string;
  version?: string;
  reason?: string;
  fix?: string;
}

export interface BackendStatuses {
  torch: TorchBackendStatus;
  tensorrt: TensorRtBackendStatus;
}

export async function probeBackends(options: { python?: string; trtexec?: string; env?: NodeJS.ProcessEnv } = {}): Promise<BackendStatuses> {
  const [torch, tensorrt] = await Promise.all([probeTorch(options), probeTensorRt(options)]);
  return { torch, tensorrt };
}

async function probeTorch(options: { python?: string; env?: NodeJS.ProcessEnv }): Promise<TorchBackendStatus> {
  try {
    const { attempts, facts } = await discoverTorch({ python: options.python, env: options.env });
    if (!facts) {
      return {
        available: false,
        attempts,
        reason: 'no python with torch found',
        fix: 'install PyTorch (`python3 -m pip install torch`, or on Debian/Ubuntu `sudo apt install python3-torch`), or pass --python PATH / set EDGETUNE_PYTHON',
      };
    }
    return {
      available: true,
      python: facts.executable,
      pythonVersion: facts.python,
      torch: facts.torch ?? undefined,
      ...(facts.cuda ? { cuda: { available: facts.cuda.available, version: facts.cuda.version, devices: facts.cuda.devices, reason: facts.cuda.reason } } : {}),
      ...(facts.mps ? { mps: { available: facts.mps.available } } : {}),
      attempts,
    };
  } catch (error) {
    return { available: false, attempts: [], reason: errorText(error), ...(isUserError(error) && error.fix ? { fix: error.fix } : {}) };
  }
}

async function probeTensorRt(options: { trtexec?: string; env?: NodeJS.ProcessEnv }): Promise<TensorRtBackendStatus> {
  const env = options.env ?? process.env;
  let trtexec: string;
  try {
    trtexec = locateTrtexec(options.trtexec, env);
  } catch (error) {
    return { available: false, reason: errorText(error), ...(isUserError(error) && error.fix ? { fix: error.fix } : {}) };
  }
  try {
    const help = await runTrtexec(trtexec, ['--help'], 30_000, env);
    const version = parseTrtexecStdout(help.output).tensorrtVersion;
    if (!version && help.code !== 0) {
      return { available: false, trtexec, reason: `trtexec --help exited with code ${help.code}: ${help.output.trim().split('\n').slice(-1)[0] ?? ''}`, fix: 'check the TensorRT install (its libraries must be on the library path)' };
    }
    return { available: true, trtexec, ...(version ? { version } : {}) };
  } catch (error) {
    return { available: false, trtexec, reason: errorText(error) };
  }
}
