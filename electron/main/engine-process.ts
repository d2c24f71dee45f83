/**
 * Main's handle on the engine utility process: calls go in with an id and come back as envelopes,
 * events are forwarded, and a process that dies is restarted (jobs it ran are reported failed).
 */
import type { ApiError, ApiEvent, ApiResult, JobKind, Unsubscribe } from '../api/contract.js';
import type { UtilityProcess } from './electron-types.js';
import type { FromEngine, ToEngine } from './engine-messages.js';

export interface EngineProcessOptions {
  /** starts a fresh engine process */
  fork: () => UtilityProcess;
  restartDelayMs?: number;
  /** more deaths than this within `restartWindowMs` and it stays down */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** how long a shutdown waits for jobs to save before the process is killed */
  stopTimeoutMs?: number;
}

type Pending = { resolve: (result: ApiResult<unknown>) => void };

export class EngineProcess {
  private child: UtilityProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly runningJobs = new Map<string, { kind: JobKind; runId: string }>();
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private readonly deaths: number[] = [];
  private stopping: Promise<void> | undefined;
  private gaveUp = false;

  constructor(private readonly options: EngineProcessOptions) {}

  start(): void {
    const child = this.options.fork();
    this.child = child;
    child.on('message', (message) => this.receive(message as FromEngine));
    child.on('exit', (code) => this.exited(child, code));
  }

  call(name: string, payload: unknown): Promise<ApiResult<unknown>> {
    if (!this.child) return Promise.resolve({ ok: false, error: this.unavailable() });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, {
        resolve: (result) => {
          if (result.ok && (name === 'startSweep' || name === 'startTune')) {
            const { jobId, runId } = result.value as { jobId: string; runId: string };
            this.runningJobs.set(jobId, { kind: name === 'startSweep' ? 'sweep' : 'tune', runId });
          }
          resolve(result);
        },
      });
      this.send({ type: 'call', id, name, payload });
    });
  }

  onEvent(listener: (event: ApiEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the engine to cancel its jobs and save what they have, then to exit. */
  stop(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    this.stopping ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill(), this.options.stopTimeoutMs ?? 15_000);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.send({ type: 'shutdown' });
    });
    return this.stopping;
  }

  private send(message: ToEngine): void {
    this.child?.postMessage(message);
  }

  private receive(message: FromEngine): void {
    if (message.type === 'result') {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      pending?.resolve(message.result);
    } else if (message.type === 'event') {
      const { event } = message;
      if (event.type === 'job-done' || event.type === 'job-failed' || event.type === 'job-cancelled') this.runningJobs.delete(event.jobId);
      this.emit(event);
    }
  }

  private exited(child: UtilityProcess, code: number): void {
    if (child !== this.child) return;
    this.child = undefined;
    if (this.stopping) return;
    const crash: ApiError = {
      code: 'engine-crashed',
      message: `the engine process stopped unexpectedly (exit code ${code})`,
      fix: 'start the job again; if it keeps happening, run the same job with `npx edgetune` in a terminal to see what native code printed',
    };
    for (const pending of this.pending.values()) pending.resolve({ ok: false, error: crash });
    this.pending.clear();
    for (const [jobId, { kind, runId }] of this.runningJobs) this.emit({ type: 'job-failed', jobId, kind, runId, error: crash });
    this.runningJobs.clear();

    const now = Date.now();
    this.deaths.push(now);
    const window = this.options.restartWindowMs ?? 60_000;
    while (this.deaths.length > 0 && this.deaths[0] < now - window) this.deaths.shift();
    if (this.deaths.length > (this.options.maxRestarts ?? 5)) {
      this.gaveUp = true;
      this.emit({ type: 'engine-status', state: 'stopped', message: `${crash.message}, ${this.deaths.length} times within a minute; EdgeTune stopped restarting it. Quit and reopen EdgeTune.` });
      return;
    }
    this.emit({ type: 'engine-status', state: 'restarting', message: `${crash.message}; restarting it. Jobs it was running have failed; their runs keep what was saved.` });
    setTimeout(() => {
      this.start();
      this.emit({ type: 'engine-status', state: 'ready', message: 'the engine process was restarted' });
    }, this.options.restartDelayMs ?? 500);
  }

  private unavailable(): ApiError {
    return this.gaveUp
      ? { code: 'engine-stopped', message: 'the engine process kept stopping and is not running', fix: 'quit and reopen EdgeTune' }
      : { code: 'engine-restarting', message: 'the engine process is restarting', fix: 'try again in a moment' };
  }

  private emit(event: ApiEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
