import ort from 'onnxruntime-node';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { BackendDescription, TimingBackend } from './backend.js';
import { providerFix } from './execution-providers.js';
import {
  buildWorkload,
  DEFAULT_MAX_SESSIONS,
  defaultMaxSessionBytes,
  resolveWorkload,
  type ResolvedWorkload,
  type WorkloadRunnerOptions,
} from './workloads.js';
import { UserError, errorText } from '../errors.js';
import { createRng, deriveSeed } from '../util/rng.js';

interface LiveSession {
  session: ort.InferenceSession;
  inputName: string;
  modelBytes: number;
}

/**
 * Times fixed-shape workloads in onnxruntime-node; `tokens` is the index of a workload in the list.
 * Each workload is built and its session created on first use, and kept until the cap on live
 * sessions (count and model bytes) makes room for another: a run that alternates between two ViT-Bs
 * keeps both, a grid of many ViTTMs rebuilds the ones it has not visited for a while.
 */
export class WorkloadRunner implements TimingBackend {
  readonly name = 'ort-workloads';
  private readonly sessions = new Map<number, LiveSession>();
  private readonly inputs = new Map<string, ort.Tensor>();
  private readonly origin = performance.now();
  private sessionsCreated = 0;

  private constructor(
    private readonly options: WorkloadRunnerOptions,
    private readonly workloads: ResolvedWorkload[],
  ) {}

  /** Checks every recipe up front (a bad id fails here, not half way through a run); builds nothing. */
  static async create(options: WorkloadRunnerOptions): Promise<WorkloadRunner> {
    if (options.workloads.length === 0) throw new RangeError('a workload runner needs at least one workload');
    if (!Number.isInteger(options.batch) || options.batch < 1) throw new RangeError(`batch must be a positive integer, got ${options.batch}`);
    return new WorkloadRunner(options, options.workloads.map(resolveWorkload));
  }

  describe(): BackendDescription {
    return {
      backend: this.name,
      ep: this.options.ep,
      epOptions: { graphOptimizationLevel: 'all' },
      threads: {
        intraOp: this.options.intraOpThreads ?? 'onnxruntime default (one per physical core)',
        interOp: this.options.interOpThreads ?? 'onnxruntime default',
      },
      versions: { onnxruntime: ort.env.versions.node ?? 'unknown' },
      workload: {
        batch: this.options.batch,
        seed: this.options.seed,
        maxSessions: this.maxSessions,
        maxSessionBytes: this.maxSessionBytes,
        workloads: this.workloads.map((workload, index) => ({
          index,
          key: workload.key,
          label: workload.label,
          input: workload.input,
          inputDims: [this.options.batch, ...workload.inputDims],
          seed: workload.recipe.seed,
        })),
      },
    };
  }

  async prepare(index: number): Promise<void> {
    await this.session(index);
    this.input(index);
  }

  async time(index: number, iterations: number): Promise<Float64Array> {
    const live = await this.session(index);
    const feeds = { [live.inputName]: this.input(index) };
    const times = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      await this.run(live.session, feeds, index);
      times[i] = performance.now() - start;
    }
    return times;
  }

  async now(): Promise<number> {
    return performance.now() - this.origin;
  }

  /** how many sessions were created, rebuilds after eviction included */
  get sessionCount(): number {
    return this.sessionsCreated;
  }

  async close(): Promise<void> {
    for (const index of [...this.sessions.keys()]) await this.release(index);
    this.inputs.clear();
  }

  private get maxSessions(): number {
    return this.options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  }

  private get maxSessionBytes(): number {
    return this.options.maxSessionBytes ?? defaultMaxSessionBytes(os.totalmem());
  }

  private workload(index: number): ResolvedWorkload {
    const workload = this.workloads[index];
    if (!Number.isInteger(index) || workload === undefined) {
      throw new RangeError(`workload ${index} does not exist: this runner has ${this.workloads.length}`);
    }
    return workload;
  }

  private async session(index: number): Promise<LiveSession> {
    const workload = this.workload(index);
    const cached = this.sessions.get(index);
    if (cached) {
      // Map order is the eviction order: move the one just used to the back.
      this.sessions.delete(index);
      this.sessions.set(index, cached);
      return cached;
    }
    const built = buildWorkload(workload.recipe);
    await this.makeRoom(built.bytes.byteLength);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(built.bytes, {
        executionProviders: [this.options.ep],
        graphOptimizationLevel: 'all',
        ...(this.options.intraOpThreads ? { intraOpNumThreads: this.options.intraOpThreads } : {}),
        ...(this.options.interOpThreads ? { interOpNumThreads: this.options.interOpThreads } : {}),
      });
    } catch (error) {
      throw new UserError(
        'ep-failed',
        `onnxruntime could not create a session for ${workload.label} on the ${this.options.ep} provider: ${firstLine(errorText(error))}`,
        providerFix(this.options.ep),
      );
    }
    const live = { session, inputName: built.inputName, modelBytes: built.bytes.byteLength };
    this.sessions.set(index, live);
    this.sessionsCreated += 1;
    // A new session's first run plans its memory and kernels; discard it so that no visit times it,
    // however many warm-up runs the caller asks for after a rebuild.
    await this.run(session, { [live.inputName]: this.input(index) }, index);
    return live;
  }

  private async makeRoom(incomingBytes: number): Promise<void> {
    const liveBytes = () => [...this.sessions.values()].reduce((sum, live) => sum + live.modelBytes, 0);
    while (this.sessions.size > 0 && (this.sessions.size + 1 > this.maxSessions || liveBytes() + incomingBytes > this.maxSessionBytes)) {
      await this.release(this.sessions.keys().next().value as number);
    }
  }

  private async release(index: number): Promise<void> {
    const live = this.sessions.get(index);
    this.sessions.delete(index);
    await live?.session.release();
  }

  private async run(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, index: number): Promise<void> {
    try {
      await session.run(feeds);
    } catch (error) {
      throw new UserError(
        'run-failed',
        `${this.workload(index).label} failed to run on the ${this.options.ep} provider (batch ${this.options.batch}): ${firstLine(errorText(error))}`,
        `try a smaller --batch, or --ep cpu; ${providerFix(this.options.ep)}`,
      );
    }
  }

  /** Seeded inputs, one per shape: models compared with each other see the same image. */
  private input(index: number): ort.Tensor {
    const dims = [this.options.batch, ...this.workload(index).inputDims];
    const key = dims.join('x');
    const cached = this.inputs.get(key);
    if (cached) return cached;
    const rng = createRng(deriveSeed(this.options.seed, `input-${key}`));
    const data = new Float32Array(dims.reduce((product, dim) => product * dim, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    const tensor = new ort.Tensor('float32', data, dims);
    this.inputs.set(key, tensor);
    return tensor;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
