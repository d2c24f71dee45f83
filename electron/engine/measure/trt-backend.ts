import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BackendDescription, TimingBackend } from './backend.js';
import { UserError } from '../errors.js';
import { loadModel, type ModelSource } from './model-source.js';
import { parseTrtexecStdout, parseTrtexecTimes, shapeSpec, timedComputeMs, type TrtexecReport } from './trt-output.js';

export type TrtPrecision = 'fp32' | 'fp16' | 'bf16';

export interface TrtBackendOptions {
  model: ModelSource;
  batch: number;
  precision: TrtPrecision;
  /** trtexec --useCudaGraph */
  cudaGraphs: boolean;
  /** the engine's dynamic token range: every count the sweep visits must lie in it */
  tokenRange: { from: number; to: number };
  /** --trtexec; otherwise trtexec on PATH or where TensorRT packages put it */
  trtexec?: string;
  env?: NodeJS.ProcessEnv;
  /** building an engine takes minutes for large models (default 30 min) */
  buildTimeoutMs?: number;
  /** one trtexec timing run (default 120 s) */
  runTimeoutMs?: number;
}

/** Where TensorRT's packages install trtexec without putting it on PATH (Debian/Ubuntu, JetPack). */
const TRTEXEC_FOLDERS = ['/usr/src/tensorrt/bin', '/usr/local/tensorrt/bin', '/opt/tensorrt/bin'];
/** trtexec warms up this long in every run: each run is a fresh process with a fresh context */
const WARM_UP_MS = 200;
const MAX_ITERATIONS_PER_RUN = 128;
/** a run aims to hold about this much GPU time, enough for one whole visit */
const RUN_BUDGET_MS = 1000;

/**
 * Times an ONNX model with TensorRT through its trtexec tool: one engine with a dynamic token
 * range is built once; each visit then runs trtexec on that engine at one shape and reads the
 * per-inference GPU compute times from --exportTimes.
 *
 * Starting trtexec (loading the engine) costs far more than a visit's inferences, so one run times
 * enough inferences for a whole visit and later requests of the same visit are served from them in
 * order. `now()` is the clock those inferences ran on: it advances by each served inference's time,
 * and jumps to wall time when a new run starts, so the sweep's stopping rule and drift reference see
 * what a live backend would show them.
 */
export class TrtBackend implements TimingBackend {
  readonly name = 'trt';
  private readonly origin = performance.now();
  private clockMs = 0;
  private pending: { tokens: number; timesMs: number[] } | undefined;
  private lastMedianMs: number | undefined;
  private runs = 0;
  private lastReport: TrtexecReport | undefined;

  private constructor(
    private readonly options: TrtBackendOptions,
    private readonly trtexec: string,
    private readonly folder: string,
    private readonly engineFile: string,
    private readonly input: { name: string; width: number },
    private readonly model: Record<string, unknown>,
    private readonly build: { report: TrtexecReport; wallMs: number; flags: string[] },
  ) {}

  static async start(options: TrtBackendOptions): Promise<TrtBackend> {
    const env = options.env ?? process.env;
    const trtexec = locateTrtexec(options.trtexec, env);
    const help = await runTrtexec(trtexec, ['--help'], 60_000, env);
    const supports = (flag: string) => help.output.includes(flag);
    const precisionFlag = { fp32: '--noTF32', fp16: '--fp16', bf16: '--bf16' }[options.precision];
    const version = parseTrtexecStdout(help.output).tensorrtVersion ?? 'unknown';
    for (const flag of ['--exportTimes', '--noDataTransfers', precisionFlag, ...(options.cudaGraphs ? ['--useCudaGraph'] : [])]) {
      if (!supports(flag)) throw new UserError('trt-unsupported', `this trtexec (TensorRT ${version}, ${trtexec}) has no ${flag} option`, 'EdgeTune needs TensorRT 8.6 or newer (bf16 needs 9 or newer); install a newer TensorRT or pass --trtexec naming one');
    }
    const loaded = await loadModel(options.model);
    const folder = mkdtempSync(path.join(os.tmpdir(), 'edgetune-trt-'));
    try {
      const onnxFile = path.join(folder, 'model.onnx');
      const engineFile = path.join(folder, 'model.plan');
      writeFileSync(onnxFile, loaded.bytes);
      const dims = (tokens: number) => [options.batch, tokens, loaded.width];
      const flags = [
        `--minShapes=${shapeSpec(loaded.inputName, dims(options.tokenRange.from))}`,
        // Tactics are chosen for the optimum shape; a deployed engine is usually tuned for the full count.
        `--optShapes=${shapeSpec(loaded.inputName, dims(options.tokenRange.to))}`,
        `--maxShapes=${shapeSpec(loaded.inputName, dims(options.tokenRange.to))}`,
        // fp32 means fp32: without --noTF32 TensorRT runs fp32 matmuls as TF32 on Ampere and newer.
        precisionFlag,
      ];
      const startedAt = performance.now();
      const built = await runTrtexec(trtexec, [`--onnx=${onnxFile}`, `--saveEngine=${engineFile}`, ...flags, supports('--skipInference') ? '--skipInference' : '--buildOnly'], options.buildTimeoutMs ?? 1_800_000, env);
      const report = parseTrtexecStdout(built.output);
      if (built.code !== 0 || !existsSync(engineFile)) throw trtexecFailure('could not build an engine', trtexec, built, report);
      return new TrtBackend(options, trtexec, folder, engineFile, { name: loaded.inputName, width: loaded.width }, loaded.description, {
        report,
        wallMs: performance.now() - startedAt,
        flags,
      });
    } catch (error) {
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
  }

  describe(): BackendDescription {
    const report = this.lastReport ?? this.build.report;
    return {
      backend: this.name,
      ep: 'tensorrt',
      epOptions: {
        precision: this.options.precision,
        useCudaGraph: this.options.cudaGraphs,
        buildFlags: this.build.flags,
        timing: `trtexec --exportTimes GPU compute time per inference, --noDataTransfers --useSpinWait, ${WARM_UP_MS} ms warm-up per run, up to ${MAX_ITERATIONS_PER_RUN} inferences per run`,
      },
      versions: { tensorrt: report.tensorrtVersion ?? this.build.report.tensorrtVersion ?? 'unknown' },
      workload: {
        model: this.model,
        batch: this.options.batch,
        inputName: this.input.name,
        width: this.input.width,
        tokenRange: this.options.tokenRange,
        ...(report.device ? { device: report.device } : {}),
        ...(report.computeCapability ? { computeCapability: report.computeCapability } : {}),
        ...(report.smCount ? { smCount: report.smCount } : {}),
        trtexec: this.trtexec,
        engineBuildMs: Math.round(this.build.wallMs),
        trtexecRuns: this.runs,
      },
    };
  }

  async prepare(tokens: number): Promise<void> {
    const { from, to } = this.options.tokenRange;
    if (tokens < from || tokens > to) {
      throw new UserError('trt-shape', `${tokens} tokens lie outside the engine's range ${from}..${to}`, 'sweep within the range the engine was built for');
    }
    this.pending = undefined;
  }

  async time(tokens: number, iterations: number): Promise<Float64Array> {
    if (!this.pending || this.pending.tokens !== tokens || this.pending.timesMs.length < iterations) await this.run(tokens, iterations);
    const served = this.pending!.timesMs.splice(0, iterations);
    for (const ms of served) this.clockMs += ms;
    return Float64Array.from(served);
  }

  async now(): Promise<number> {
    return this.clockMs;
  }

  async close(): Promise<void> {
    rmSync(this.folder, { recursive: true, force: true });
  }

  private async run(tokens: number, atLeast: number): Promise<void> {
    const perVisit = this.lastMedianMs ? Math.ceil(RUN_BUDGET_MS / this.lastMedianMs) : MAX_ITERATIONS_PER_RUN;
    const iterations = Math.max(atLeast, Math.min(MAX_ITERATIONS_PER_RUN, perVisit));
    const timesFile = path.join(this.folder, `times-${tokens}.json`);
    rmSync(timesFile, { force: true });
    const args = [
      `--loadEngine=${this.engineFile}`,
      `--shapes=${shapeSpec(this.input.name, [this.options.batch, tokens, this.input.width])}`,
      `--iterations=${iterations}`,
      // --iterations is a minimum: without --duration=0 trtexec keeps going for 3 s
      '--duration=0',
      `--warmUp=${WARM_UP_MS}`,
      '--noDataTransfers',
      '--useSpinWait',
      ...(this.options.cudaGraphs ? ['--useCudaGraph'] : []),
      `--exportTimes=${timesFile}`,
    ];
    const result = await runTrtexec(this.trtexec, args, this.options.runTimeoutMs ?? 120_000, this.options.env ?? process.env);
    const report = parseTrtexecStdout(result.output);
    if (result.code !== 0 || !existsSync(timesFile)) throw trtexecFailure(`failed at ${tokens} tokens`, this.trtexec, result, report);
    this.lastReport = report;
    this.runs += 1;
    const timed = timedComputeMs(parseTrtexecTimes(readFileSync(timesFile, 'utf8'), timesFile), WARM_UP_MS);
    if (timed.length < atLeast) {
      throw new UserError('trt-output', `trtexec timed ${timed.length} inferences at ${tokens} tokens, fewer than the ${atLeast} asked for`, 'please report your TensorRT version; rerun meanwhile');
    }
    const timesMs = timed.slice(-iterations);
    this.lastMedianMs = [...timesMs].sort((a, b) => a - b)[Math.floor(timesMs.length / 2)];
    this.pending = { tokens, timesMs };
    this.clockMs = Math.max(this.clockMs, performance.now() - this.origin);
  }
}

export function locateTrtexec(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (configured) {
    if (!existsSync(configured)) throw new UserError('trtexec-missing', `--trtexec ${configured} does not exist`, 'pass the path of TensorRT\'s trtexec (e.g. /usr/src/tensorrt/bin/trtexec)');
    if (!isExecutable(configured)) throw new UserError('trtexec-missing', `--trtexec ${configured} is not executable`, `chmod +x ${configured}, or pass the path of TensorRT's trtexec`);
    return path.resolve(configured);
  }
  const folders = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...TRTEXEC_FOLDERS];
  for (const folder of folders) {
    const file = path.join(folder, 'trtexec');
    if (isExecutable(file)) return file;
  }
  throw new UserError(
    'trtexec-missing',
    `TensorRT's trtexec was not found (not on PATH, nor in ${TRTEXEC_FOLDERS.join(', ')})`,
    'install TensorRT 8.6 or newer (it ships trtexec; the pip wheel does not) and put trtexec on PATH, or pass --trtexec PATH',
  );
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface TrtexecRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr together, in arrival order */
  output: string;
  timedOut: boolean;
}

export function runTrtexec(trtexec: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv): Promise<TrtexecRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(trtexec, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new UserError('trtexec-missing', `trtexec (${trtexec}) could not be started: ${error.message}`, 'pass --trtexec naming TensorRT\'s trtexec'));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

function trtexecFailure(what: string, trtexec: string, run: TrtexecRun, report: TrtexecReport): UserError {
  const how = run.timedOut ? 'timed out' : run.signal ? `was killed (${run.signal})` : `exited with code ${run.code}`;
  const reasons = report.errors.length > 0 ? report.errors.slice(-3).join(' | ') : run.output.trim().split('\n').slice(-3).join(' | ') || 'no output';
  return new UserError('trt-failed', `TensorRT ${what}: trtexec ${how}: ${reasons}`, `run the same trtexec command by hand to see its full log (${trtexec}); check the GPU driver, memory, and that the ONNX opset is supported (TensorRT 8.6+)`);
}
