import { Worker } from 'node:worker_threads';
import type { BackendDescription, TimingBackend } from './backend.js';
import type { SerializedError, WorkerBackendSpec, WorkerReply, WorkerRequest } from './worker-protocol.js';
import { UserError } from '../errors.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Pending = { resolve: (reply: WorkerReply & { id: number }) => void; reject: (error: Error) => void };

/**
 * A timing backend that lives in a worker thread. The main thread only exchanges small messages;
 * if the worker dies (a native abort in a provider), every pending call fails with a clear error.
 */
export class WorkerBackend implements TimingBackend {
  readonly name: string;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exitError: Error | undefined;

  private constructor(private readonly worker: Worker, private readonly description: BackendDescription) {
    this.name = description.backend;
    worker.on('message', (reply: WorkerReply) => {
      if (!('id' in reply)) return;
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.type === 'error') pending.reject(deserialize(reply.error));
      else pending.resolve(reply);
    });
    worker.on('exit', (code) => this.failAll(new Error(`the measurement worker stopped (exit code ${code})`)));
    worker.on('error', (error) => this.failAll(error));
  }

  static async start(spec: WorkerBackendSpec): Promise<WorkerBackend> {
    const worker = startWorker(spec);
    const description = await new Promise<BackendDescription>((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        if (reply.type === 'ready') resolve(reply.description);
        else if (reply.type === 'failed') reject(deserialize(reply.error));
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the measurement worker exited while loading the model (exit code ${code})`)));
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return new WorkerBackend(worker, description);
  }

  describe(): BackendDescription {
    return this.description;
  }

  async prepare(tokens: number): Promise<void> {
    await this.call({ type: 'prepare', tokens });
  }

  async time(tokens: number, iterations: number): Promise<Float64Array> {
    return (await this.call({ type: 'time', tokens, iterations })).times ?? new Float64Array();
  }

  async bareLoop(tokens: number, iterations: number): Promise<Float64Array> {
    return (await this.call({ type: 'bare-loop', tokens, iterations })).times ?? new Float64Array();
  }

  async now(): Promise<number> {
    return (await this.call({ type: 'now' })).nowMs ?? 0;
  }

  async close(): Promise<void> {
    if (!this.exitError) {
      await this.call({ type: 'close' }).catch(() => undefined);
    }
    await this.worker.terminate();
  }

  private call(request: WithoutId<WorkerRequest>): Promise<{ times?: Float64Array; nowMs?: number }> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (reply) => resolve(reply as { times?: Float64Array; nowMs?: number }), reject });
      this.worker.postMessage({ ...request, id } as WorkerRequest);
    });
  }

  private failAll(error: Error): void {
    this.exitError ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

function deserialize(error: SerializedError): Error {
  if (error.code) return new UserError(error.code, error.message, error.fix);
  const restored = new Error(error.message);
  restored.name = error.name;
  return restored;
}

/**
 * Built code starts the compiled entry directly. Running from TypeScript sources (tests, tsx), the
 * worker first registers tsx's loader, since loaders given on the command line do not reach workers.
 */
function startWorker(spec: WorkerBackendSpec): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: spec });
  const entry = new URL('./worker-entry.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: spec });
}
