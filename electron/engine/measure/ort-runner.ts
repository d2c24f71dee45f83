import ort from 'onnxruntime-node';
import { performance } from 'node:perf_hooks';
import type { BackendDescription, TimingBackend } from './backend.js';
import { providerFix, type ExecutionProvider } from './execution-providers.js';
import { loadModel, type ModelSource } from './model-source.js';
import { UserError, errorText } from '../errors.js';
import { createRng, deriveSeed } from '../util/rng.js';

export interface OrtBackendOptions {
  model: ModelSource;
  ep: ExecutionProvider;
  batch: number;
  seed: number;
  /** onnxruntime's default (one thread per physical core) when absent */
  intraOpThreads?: number;
  interOpThreads?: number;
}

/**
 * Times a model in onnxruntime-node on the calling thread. The sweep runs it inside a worker
 * (see worker-backend.ts) so that the main thread stays responsive and a native failure cannot
 * take the app down.
 */
export class OrtRunner implements TimingBackend {
  readonly name = 'ort';
  private readonly inputs = new Map<number, ort.Tensor>();
  private readonly origin = performance.now();

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly options: OrtBackendOptions,
    private readonly inputName: string,
    private readonly width: number,
    private readonly model: Record<string, unknown>,
  ) {}

  static async create(options: OrtBackendOptions): Promise<OrtRunner> {
    const model = await loadModel(options.model);
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [options.ep],
      graphOptimizationLevel: 'all',
      ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
      ...(options.interOpThreads ? { interOpNumThreads: options.interOpThreads } : {}),
    };
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model.bytes, sessionOptions);
    } catch (error) {
      throw new UserError('ep-failed', `onnxruntime could not create a session on the ${options.ep} provider: ${firstLine(errorText(error))}`, providerFix(options.ep));
    }
    return new OrtRunner(session, options, model.inputName, model.width, model.description);
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
      workload: { model: this.model, batch: this.options.batch, inputName: this.inputName, width: this.width },
    };
  }

  async prepare(tokens: number): Promise<void> {
    this.input(tokens);
  }

  async time(tokens: number, iterations: number): Promise<Float64Array> {
    const feeds = { [this.inputName]: this.input(tokens) };
    const times = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      await this.run(feeds, tokens);
      times[i] = performance.now() - start;
    }
    return times;
  }

  /** The plainest possible loop, for measuring what the harness itself costs. */
  async bareLoop(tokens: number, iterations: number): Promise<Float64Array> {
    const feeds = { [this.inputName]: this.input(tokens) };
    const times = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      await this.session.run(feeds);
      times[i] = performance.now() - start;
    }
    return times;
  }

  async now(): Promise<number> {
    return performance.now() - this.origin;
  }

  async close(): Promise<void> {
    this.inputs.clear();
    await this.session.release();
  }

  private async run(feeds: Record<string, ort.Tensor>, tokens: number): Promise<void> {
    try {
      await this.session.run(feeds);
    } catch (error) {
      throw new UserError('run-failed', `the model failed to run at ${tokens} tokens (batch ${this.options.batch}): ${firstLine(errorText(error))}`, 'check that the token range fits the model (`edgetune inspect <model>`), or pick a smaller --tokens range');
    }
  }

  /** Seeded token embeddings; only the two most recent shapes are kept to bound memory. */
  private input(tokens: number): ort.Tensor {
    const cached = this.inputs.get(tokens);
    if (cached) return cached;
    const rng = createRng(deriveSeed(this.options.seed, `input-${tokens}`));
    const data = new Float32Array(this.options.batch * tokens * this.width);
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    const tensor = new ort.Tensor('float32', data, [this.options.batch, tokens, this.width]);
    if (this.inputs.size >= 2) this.inputs.delete(this.inputs.keys().next().value as number);
    this.inputs.set(tokens, tensor);
    return tensor;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
