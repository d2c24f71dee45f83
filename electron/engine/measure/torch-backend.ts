import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BackendDescription, TimingBackend } from './backend.js';
import { UserError, errorText } from '../errors.js';
import { resolveModel } from '../models/architectures.js';
import { closeTorchProcess, describeAttempt, startTorchProcess, type PythonAttempt, type PythonCandidate, type TorchProcess } from './python-discovery.js';
import { JsonLinesProcess, ProcessEndedError, RemoteError, RequestTimeoutError, describeEnd } from './python-process.js';
import type { TorchDevice, TorchDtype, TorchFacts, TorchLoadResult, TorchModelSpec, TorchReplies, TorchRequest } from './torch-protocol.js';
import { writeVitWeights } from './torch-weights.js';

/** What the PyTorch backend times: a built-in ViT part (same seeded weights as the ONNX builders) or the user's model. */
export type TorchModelSource =
  | { kind: 'builtin'; id: string; part: 'block' | 'encoder'; seed: number; blocks?: number }
  /** `package.module:factory` or `path/to/file.py:factory`, returning an nn.Module fed [batch, tokens, width] */
  | { kind: 'module'; spec: string; width?: number }
  | { kind: 'torchscript'; path: string; width?: number };

export interface TorchBackendOptions {
  model: TorchModelSource;
  /** 'auto': CUDA, else MPS, else the CPU, as the torch found can use them */
  device: TorchDevice | 'auto';
  dtype: TorchDtype;
  /** capture one CUDA graph per token count and time its replays */
  cudaGraphs: boolean;
  batch: number;
  seed: number;
  /** torch.set_num_threads; torch's default when absent */
  threads?: number;
  /** the python to run (--python); otherwise EDGETUNE_PYTHON, python3 on PATH, /usr/bin/python3 */
  python?: string;
  env?: NodeJS.ProcessEnv;
  /** a prepare or time request slower than this kills the process (default 120 s) */
  requestTimeoutMs?: number;
  /** building and moving the model (default 600 s: ViT-L's weights are 1.2 GB) */
  loadTimeoutMs?: number;
}

/**
 * Times a model in PyTorch, in a python process EdgeTune starts and talks to over stdio
 * (resources/torch/edgetune_torch_backend.py). Each iteration is timed inside that process: CUDA
 * events on a GPU, perf_counter on the CPU; only the list of times crosses the pipe.
 */
export class TorchBackend implements TimingBackend {
  readonly name = 'torch';
  private readonly origin = performance.now();

  private constructor(
    private readonly process: JsonLinesProcess,
    private readonly facts: TorchFacts,
    private readonly candidate: PythonCandidate,
    /** the pythons tried first, and what each lacked */
    private readonly passedOver: PythonAttempt[],
    private readonly loaded: TorchLoadResult,
    private readonly options: TorchBackendOptions,
    readonly device: TorchDevice,
  ) {}

  /**
   * Starts a python process (or takes `started`, one already found by `startTorchProcess`) and loads
   * the model in it.
   */
  static async start(options: TorchBackendOptions, started?: TorchProcess): Promise<TorchBackend> {
    try {
      checkModelSource(options.model);
    } catch (error) {
      if (started) await closeTorchProcess(started.process);
      throw error;
    }
    const found = started ?? (await startTorchProcess({ python: options.python, device: options.device, env: options.env }));
    const device = torchDevice(found.facts, options.device);
    const context = { process: found.process, device, dtype: options.dtype, python: found.facts.executable };
    const folder = mkdtempSync(path.join(os.tmpdir(), 'edgetune-torch-'));
    try {
      const request: TorchRequest = {
        op: 'load',
        model: modelSpec(options.model, folder),
        device,
        dtype: options.dtype,
        cudaGraphs: options.cudaGraphs,
        batch: options.batch,
        seed: options.seed,
        threads: options.threads ?? null,
      };
      const loaded = await found.process
        .request<TorchReplies['load']>(request, options.loadTimeoutMs ?? 600_000)
        .catch((error: unknown) => {
          throw torchUserError(error, { ...context, op: 'load' });
        });
      return new TorchBackend(found.process, found.facts, found.candidate, found.attempts.filter((attempt) => !attempt.usable), loaded, options, device);
    } catch (error) {
      await closeTorchProcess(found.process);
      throw error;
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  /** the python process's id (tests stop it to check that a sweep survives its death) */
  get pid(): number | undefined {
    return this.process.pid;
  }

  describe(): BackendDescription {
    const cuda = this.facts.cuda;
    return {
      backend: this.name,
      ep: this.device,
      epOptions: {
        dtype: this.options.dtype,
        cudaGraphs: this.options.cudaGraphs,
        ...(this.loaded.attention ? { attention: this.loaded.attention } : {}),
        ...(this.device === 'cuda' && this.options.dtype === 'fp32' ? { tf32: false } : {}),
        ...(this.device === 'cpu' && this.facts.blas ? { blas: this.facts.blas } : {}),
        timing:
          this.device === 'cuda'
            ? `CUDA events around each ${this.options.cudaGraphs ? 'graph replay' : 'forward pass'}, synchronised after each`
            : 'perf_counter around each forward pass',
      },
      threads: { intraOp: this.options.threads ?? `torch default (${this.facts.threads ?? '?'})` },
      versions: {
        python: this.facts.python,
        torch: this.facts.torch ?? 'unknown',
        ...(cuda?.version ? { cuda: cuda.version } : {}),
        ...(cuda?.cudnn ? { cudnn: cuda.cudnn } : {}),
      },
      workload: {
        model: describeSource(this.options.model),
        batch: this.options.batch,
        width: this.loaded.width,
        parameters: this.loaded.parameters,
        device: this.loaded.deviceName,
        python: this.facts.executable,
        pythonSource: this.candidate.source,
        ...(this.passedOver.length > 0 ? { pythonsPassedOver: this.passedOver.map(describeAttempt) } : {}),
      },
    };
  }

  async prepare(tokens: number): Promise<void> {
    await this.call({ op: 'prepare', tokens }, tokens);
  }

  async time(tokens: number, iterations: number): Promise<Float64Array> {
    const reply = await this.call<TorchReplies['time']>({ op: 'time', tokens, iterations }, tokens);
    if (!Array.isArray(reply.timesMs) || reply.timesMs.length !== iterations) {
      throw new UserError('torch-protocol', `the PyTorch backend answered ${reply.timesMs?.length ?? 'no'} times for ${iterations} iterations`, 'reinstall EdgeTune: its backend script does not match this version');
    }
    return Float64Array.from(reply.timesMs);
  }

  async now(): Promise<number> {
    return performance.now() - this.origin;
  }

  /** Runs the model once on `input` ([batch, tokens, width], float32) and returns its full output. */
  async forward(tokens: number, input: Float32Array): Promise<{ shape: number[]; values: Float32Array }> {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'edgetune-torch-io-'));
    try {
      const inputFile = path.join(folder, 'input.bin');
      const outputFile = path.join(folder, 'output.bin');
      writeFileSync(inputFile, new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
      const reply = await this.call<TorchReplies['forward']>({ op: 'forward', tokens, inputFile, outputFile }, tokens);
      const bytes = readFileSync(outputFile);
      return { shape: reply.shape, values: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await closeTorchProcess(this.process);
  }

  private async call<T>(request: TorchRequest, tokens: number): Promise<T> {
    try {
      return await this.process.request<T>(request, this.options.requestTimeoutMs ?? 120_000);
    } catch (error) {
      throw torchUserError(error, { process: this.process, op: request.op, tokens, device: this.device, dtype: this.options.dtype, python: this.facts.executable });
    }
  }
}

/** The device a python's torch runs on: the one asked for, or for 'auto' CUDA, else MPS, else the CPU. */
export function torchDevice(facts: TorchFacts, wanted: TorchDevice | 'auto'): TorchDevice {
  if (wanted !== 'auto') return wanted;
  if (facts.cuda?.available) return 'cuda';
  if (facts.mps?.available) return 'mps';
  return 'cpu';
}

function checkModelSource(source: TorchModelSource): void {
  if (source.kind === 'builtin') resolveModel(source.id);
  if (source.kind === 'module' && !/.:[A-Za-z_][A-Za-z0-9_]*$/.test(source.spec)) {
    throw new UserError('bad-model', `'${source.spec}' is not a module:factory spec`, 'write it as package.module:factory or path/to/file.py:factory (the factory returns an nn.Module)');
  }
}

function modelSpec(source: TorchModelSource, folder: string): TorchModelSpec {
  switch (source.kind) {
    case 'builtin':
      return writeVitWeights(resolveModel(source.id), { part: source.part, seed: source.seed, blocks: source.blocks, file: path.join(folder, 'weights.bin') });
    case 'module':
      return { kind: 'module', spec: source.spec, width: source.width ?? null };
    case 'torchscript':
      return { kind: 'torchscript', path: path.resolve(source.path), width: source.width ?? null };
  }
}

function describeSource(source: TorchModelSource): Record<string, unknown> {
  switch (source.kind) {
    case 'builtin':
      return { id: source.id, part: source.part, blocks: source.blocks ?? (source.part === 'block' ? 1 : resolveModel(source.id).depth), seed: source.seed, output: source.part === 'block' ? 'mean' : 'logits' };
    case 'module':
      return { module: source.spec };
    case 'torchscript':
      return { torchscript: source.path };
  }
}

interface ErrorContext {
  process: JsonLinesProcess;
  op: string;
  tokens?: number;
  device: TorchDevice;
  dtype: TorchDtype;
  python: string;
}

/** Turns what went wrong in (or with) the python process into a message naming the problem and the fix. */
export function torchUserError(error: unknown, context: ErrorContext): Error {
  const at = context.tokens === undefined ? '' : ` at ${context.tokens} tokens`;
  const where = `${context.device}, ${context.dtype}`;
  if (error instanceof RemoteError) {
    switch (error.kind) {
      case 'device-unavailable':
        return new UserError('torch-device-unavailable', error.message, error.fix ?? `use --device cpu, or pass --python naming a python whose torch can use ${context.device}`);
      case 'no-torch':
        return new UserError('torch-unavailable', error.message, error.fix);
      case 'run-failed':
        return new UserError('torch-run-failed', `PyTorch failed to ${context.op === 'load' ? 'load the model' : `run '${context.op}'`}${at} (${where}): ${error.message}`, error.fix ?? 'check that the model accepts this token count; try --dtype fp32 or a smaller --batch');
      default:
        return new UserError('torch-load-failed', `PyTorch could not ${context.op === 'load' ? 'load the model' : `run '${context.op}'`}${at} (${where}): ${error.message}`, error.fix ?? 'check the model source');
    }
  }
  if (error instanceof ProcessEndedError) {
    const output = error.stderr.length > 0 ? `; its last output: ${error.stderr.slice(-3).join(' | ')}` : '';
    return new UserError(
      'torch-backend-died',
      `the PyTorch backend process (pid ${context.process.pid}, ${context.python}) stopped during '${context.op}'${at}: ${describeEnd(error.end)}${output}`,
      'a sweep keeps the counts measured before this (profile marked incomplete); a process killed with SIGKILL has often run out of memory: try a smaller model, --batch or --tokens range, then rerun',
    );
  }
  if (error instanceof RequestTimeoutError) {
    return new UserError('torch-timeout', `the PyTorch backend (${context.python}) did not answer '${context.op}'${at} within ${(error.timeoutMs / 1000).toFixed(0)} s and was stopped`, 'the device may be hung or far slower than expected: rerun, or time a smaller model or --tokens range');
  }
  return error instanceof Error ? error : new Error(errorText(error));
}
