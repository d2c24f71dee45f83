import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A child process spoken to in JSON lines: one request per line on its stdin, one reply per line
 * on its stdout, answered in order. Every request has a deadline; a process that misses it is
 * killed, since its state is unknown. When the process dies, every waiting request fails with how
 * it ended and the last lines it wrote to stderr.
 */
export class JsonLinesProcess {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly stderrLines: string[] = [];
  private readonly strayLines: string[] = [];
  private ended: ProcessEnd | undefined;
  private readonly endedPromise: Promise<ProcessEnd>;

  private constructor(private readonly child: ChildProcess, readonly command: string) {
    let resolveEnded!: (end: ProcessEnd) => void;
    this.endedPromise = new Promise((resolve) => (resolveEnded = resolve));
    const finish = (end: ProcessEnd) => {
      if (this.ended) return;
      this.ended = end;
      for (const [id, request] of this.pending) {
        clearTimeout(request.timer);
        request.reject(new ProcessEndedError(end, request.op, this.stderrTail(), this.strayLines.slice(-3)));
        this.pending.delete(id);
      }
      resolveEnded(end);
    };
    child.on('error', (error: NodeJS.ErrnoException) => finish({ code: null, signal: null, spawnError: error.code ?? error.message }));
    child.on('close', (code, signal) => finish({ code, signal }));
    child.stdin?.on('error', () => undefined); // EPIPE when the process is gone; 'close' reports it
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.stderrLines.push(line);
      if (this.stderrLines.length > 40) this.stderrLines.shift();
    });
  }

  static spawn(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): JsonLinesProcess {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env, cwd: options.cwd });
    return new JsonLinesProcess(child, command);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** how the process ended, once it has */
  get end(): ProcessEnd | undefined {
    return this.ended;
  }

  /** Sends one request; resolves with the reply object, or rejects (RemoteError, ProcessEndedError, RequestTimeoutError). */
  request<T>(body: { op: string } & Record<string, unknown>, timeoutMs: number): Promise<T> {
    if (this.ended) return Promise.reject(new ProcessEndedError(this.ended, body.op, this.stderrTail(), this.strayLines.slice(-3)));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimeoutError(body.op, timeoutMs, this.stderrTail()));
        this.kill();
      }, timeoutMs);
      this.pending.set(id, { op: body.op, timer, resolve: resolve as (reply: Record<string, unknown>) => void, reject });
      this.child.stdin?.write(`${JSON.stringify({ ...body, id })}\n`);
    });
  }

  /** the last lines the process wrote to stderr */
  stderrTail(lines = 6): string[] {
    return this.stderrLines.filter((line) => line.trim().length > 0).slice(-lines);
  }

  kill(): void {
    if (!this.ended) this.child.kill('SIGKILL');
  }

  /** Waits up to `graceMs` for the process to exit on its own (after a close request), then kills it. */
  async waitForExit(graceMs: number): Promise<ProcessEnd> {
    if (this.ended) return this.ended;
    const timer = setTimeout(() => this.kill(), graceMs);
    try {
      return await this.endedPromise;
    } finally {
      clearTimeout(timer);
    }
  }

  private onLine(line: string): void {
    let reply: { id?: unknown; ok?: unknown; error?: RemoteErrorBody };
    try {
      reply = JSON.parse(line);
    } catch {
      if (line.trim()) this.strayLines.push(line.slice(0, 200));
      return;
    }
    // A reply to a line the process could not parse carries no id: it answers the oldest request.
    const id = typeof reply.id === 'number' ? reply.id : this.pending.keys().next().value;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (id === undefined || !pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (reply.ok === true) pending.resolve(reply as Record<string, unknown>);
    else pending.reject(new RemoteError(pending.op, reply.error ?? { kind: 'unknown', message: 'the process answered without a reason' }));
  }
}

interface Pending {
  op: string;
  timer: NodeJS.Timeout;
  resolve: (reply: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** set when the process could not be started at all (ENOENT, EACCES, …) */
  spawnError?: string;
}

interface RemoteErrorBody {
  kind: string;
  message: string;
  fix?: string;
}

/** The process answered, but with a failure. */
export class RemoteError extends Error {
  readonly kind: string;
  readonly fix: string | undefined;
  constructor(readonly op: string, body: RemoteErrorBody) {
    super(body.message);
    this.name = 'RemoteError';
    this.kind = body.kind;
    this.fix = body.fix;
  }
}

export class ProcessEndedError extends Error {
  constructor(readonly end: ProcessEnd, readonly op: string, readonly stderr: string[], readonly stray: string[]) {
    super(`${describeEnd(end)} while answering '${op}'`);
    this.name = 'ProcessEndedError';
  }
}

export class RequestTimeoutError extends Error {
  constructor(readonly op: string, readonly timeoutMs: number, readonly stderr: string[]) {
    super(`no answer to '${op}' within ${(timeoutMs / 1000).toFixed(0)} s`);
    this.name = 'RequestTimeoutError';
  }
}

export function describeEnd(end: ProcessEnd): string {
  if (end.spawnError === 'ENOENT') return 'it was not found';
  if (end.spawnError === 'EACCES') return 'it is not executable';
  if (end.spawnError) return `it could not be started (${end.spawnError})`;
  if (end.signal) return `it was killed (${end.signal})`;
  return `it exited with code ${end.code}`;
}
