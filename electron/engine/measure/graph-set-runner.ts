import ort from 'onnxruntime-node';
import { performance } from 'node:perf_hooks';
import type { BackendDescription, TimingBackend } from './backend.js';
import { providerFix } from './execution-providers.js';
import { buildGraph, graphInputDims, graphLabel, type GraphSetOptions } from './graph-set.js';
import { UserError, errorText } from '../errors.js';
import { createRng, deriveSeed } from '../util/rng.js';

interface LiveGraph {
  session: ort.InferenceSession;
  inputName: string;
}

/**
 * Times a set of graphs in onnxruntime-node; `tokens` is the index of a graph in the set. Sessions
 * are created on first use and all kept: a comparison alternates between them every few seconds,
 * and rebuilding one would put a session's first runs inside the measurement.
 */
export class GraphSetRunner implements TimingBackend {
  readonly name = 'ort-graphs';
  private readonly live = new Map<number, LiveGraph>();
  private readonly inputs = new Map<string, ort.Tensor>();
  private readonly origin = performance.now();

  private constructor(private readonly options: GraphSetOptions) {}

  static async create(options: GraphSetOptions): Promise<GraphSetRunner> {
    if (options.graphs.length === 0) throw new RangeError('a graph set needs at least one graph');
    if (!Number.isInteger(options.batch) || options.batch < 1) throw new RangeError(`batch must be a positive integer, got ${options.batch}`);
    return new GraphSetRunner(options);
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
        graphs: this.options.graphs.map((recipe, index) => ({ index, label: graphLabel(recipe), inputDims: [this.options.batch, ...graphInputDims(recipe)] })),
      },
    };
  }

  async prepare(index: number): Promise<void> {
    await this.session(index);
  }

  async time(index: number, iterations: number): Promise<Float64Array> {
    const graph = await this.session(index);
    const feeds = { [graph.inputName]: this.input(index) };
    const times = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      await this.run(graph.session, feeds, index);
      times[i] = performance.now() - start;
    }
    return times;
  }

  async now(): Promise<number> {
    return performance.now() - this.origin;
  }

  async close(): Promise<void> {
    for (const graph of this.live.values()) await graph.session.release();
    this.live.clear();
    this.inputs.clear();
  }

  private async session(index: number): Promise<LiveGraph> {
    const recipe = this.options.graphs[index];
    if (!Number.isInteger(index) || recipe === undefined) throw new RangeError(`graph ${index} does not exist: this set has ${this.options.graphs.length}`);
    const cached = this.live.get(index);
    if (cached) return cached;
    const model = buildGraph(recipe);
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [this.options.ep],
      graphOptimizationLevel: 'all',
      ...(this.options.intraOpThreads ? { intraOpNumThreads: this.options.intraOpThreads } : {}),
      ...(this.options.interOpThreads ? { interOpNumThreads: this.options.interOpThreads } : {}),
    };
    let session: ort.InferenceSession;
    try {
      session = 'path' in model ? await ort.InferenceSession.create(model.path, sessionOptions) : await ort.InferenceSession.create(model.bytes, sessionOptions);
    } catch (error) {
      throw new UserError(
        'ep-failed',
        `onnxruntime could not create a session for ${graphLabel(recipe)} on the ${this.options.ep} provider: ${firstLine(errorText(error))}`,
        providerFix(this.options.ep),
      );
    }
    const graph = { session, inputName: model.inputName };
    this.live.set(index, graph);
    // A session's first run plans its memory and kernels: never part of a timed visit.
    await this.run(session, { [graph.inputName]: this.input(index) }, index);
    return graph;
  }

  private async run(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, index: number): Promise<void> {
    try {
      await session.run(feeds);
    } catch (error) {
      throw new UserError(
        'run-failed',
        `${graphLabel(this.options.graphs[index])} failed to run on the ${this.options.ep} provider (batch ${this.options.batch}): ${firstLine(errorText(error))}`,
        `try --batch 1 or --ep cpu; ${providerFix(this.options.ep)}`,
      );
    }
  }

  /** Seeded inputs, one per shape: graphs compared with each other see the same tokens or image. */
  private input(index: number): ort.Tensor {
    const dims = [this.options.batch, ...graphInputDims(this.options.graphs[index])];
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
