/**
 * What a timing backend does: run one workload at one token count k times and hand back the raw
 * per-iteration times. Everything about *what* to time (counts, order, passes, when to stop) is
 * decided by the sweep, never by a backend.
 */
export interface TimingBackend {
  /** short id recorded in profile.json, e.g. 'ort' or 'synthetic' */
  readonly name: string;
  /** provenance: versions, execution provider and its options, threads, workload */
  describe(): BackendDescription;
  /** make inputs for this token count ready; nothing is timed */
  prepare(tokens: number): Promise<void>;
  /** run `iterations` times at `tokens`, returning each iteration's wall time in milliseconds */
  time(tokens: number, iterations: number): Promise<Float64Array>;
  /** milliseconds since the backend started, on the clock the times are measured with */
  now(): Promise<number>;
  close(): Promise<void>;
}

export interface BackendDescription {
  backend: string;
  ep: string;
  epOptions?: Record<string, unknown>;
  threads?: { intraOp?: number | string; interOp?: number | string };
  versions?: Record<string, string>;
  workload?: Record<string, unknown>;
}
