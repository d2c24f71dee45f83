import type { BackendDescription } from './backend.js';
import type { GraphSetOptions } from './graph-set.js';
import type { OrtBackendOptions } from './ort-runner.js';
import type { SyntheticBackendOptions } from './synthetic.js';
import type { WorkloadRunnerOptions } from './workloads.js';

/** Messages between a sweep (main thread) and the worker that owns the timed model. */
export type WorkerBackendSpec =
  | { kind: 'ort'; options: OrtBackendOptions }
  | { kind: 'synthetic'; options: SyntheticBackendOptions }
  /** fixed-shape whole models (image-input ViT, ViTTM, …); `tokens` in requests is a workload index */
  | { kind: 'workloads'; options: WorkloadRunnerOptions }
  /** graphs compared with each other (a ViT and its pruned variants, a user's file and its stand-in); `tokens` is a graph index */
  | { kind: 'graphs'; options: GraphSetOptions };

export type WorkerRequest =
  | { id: number; type: 'prepare'; tokens: number }
  | { id: number; type: 'time'; tokens: number; iterations: number }
  | { id: number; type: 'bare-loop'; tokens: number; iterations: number }
  | { id: number; type: 'now' }
  | { id: number; type: 'close' };

export type WorkerReply =
  | { type: 'ready'; description: BackendDescription }
  | { type: 'failed'; error: SerializedError }
  | { id: number; type: 'ok'; times?: Float64Array; nowMs?: number }
  | { id: number; type: 'error'; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  fix?: string;
}
