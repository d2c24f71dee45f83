import { parentPort, workerData } from 'node:worker_threads';
import type { TimingBackend } from './backend.js';
import { SyntheticBackend } from './synthetic.js';
import type { SerializedError, WorkerBackendSpec, WorkerReply, WorkerRequest } from './worker-protocol.js';
import { UserError } from '../errors.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run inside a worker thread');

function serialize(error: unknown): SerializedError {
  if (error instanceof UserError) return { name: error.name, message: error.message, code: error.code, fix: error.fix };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

async function createBackend(spec: WorkerBackendSpec): Promise<TimingBackend> {
  if (spec.kind === 'synthetic') return new SyntheticBackend(spec.options);
  // Loaded only when needed: a synthetic worker never touches onnxruntime.
  if (spec.kind === 'workloads') {
    const { WorkloadRunner } = await import('./workload-runner.js');
    return WorkloadRunner.create(spec.options);
  }
  if (spec.kind === 'graphs') {
    const { GraphSetRunner } = await import('./graph-set-runner.js');
    return GraphSetRunner.create(spec.options);
  }
  const { OrtRunner } = await import('./ort-runner.js');
  return OrtRunner.create(spec.options);
}

function hasBareLoop(backend: TimingBackend): backend is TimingBackend & { bareLoop(tokens: number, iterations: number): Promise<Float64Array> } {
  return typeof (backend as { bareLoop?: unknown }).bareLoop === 'function';
}

async function handle(backend: TimingBackend, request: WorkerRequest): Promise<WorkerReply> {
  switch (request.type) {
    case 'prepare':
      await backend.prepare(request.tokens);
      return { id: request.id, type: 'ok' };
    case 'time':
      return { id: request.id, type: 'ok', times: await backend.time(request.tokens, request.iterations) };
    case 'bare-loop': {
      if (!hasBareLoop(backend)) throw new Error('bare-loop needs the onnxruntime backend');
      return { id: request.id, type: 'ok', times: await backend.bareLoop(request.tokens, request.iterations) };
    }
    case 'now':
      return { id: request.id, type: 'ok', nowMs: await backend.now() };
    case 'close':
      await backend.close();
      return { id: request.id, type: 'ok' };
  }
}

try {
  const backend = await createBackend(workerData as WorkerBackendSpec);
  port.on('message', (request: WorkerRequest) => {
    handle(backend, request).then(
      (reply) => port.postMessage(reply),
      (error: unknown) => port.postMessage({ id: request.id, type: 'error', error: serialize(error) } satisfies WorkerReply),
    );
  });
  port.postMessage({ type: 'ready', description: backend.describe() } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ type: 'failed', error: serialize(error) } satisfies WorkerReply);
}
