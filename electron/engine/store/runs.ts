import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { ensureWritableFolder, writeFileAtomic, writeJsonAtomic } from './files.js';

/**
 * Where runs live unless --out says otherwise: $EDGETUNE_HOME/runs, else ~/.edgetune/runs.
 * Every run is one folder; run.json says what it is and whether it finished.
 */
export function defaultRunsRoot(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.EDGETUNE_HOME ?? path.join(os.homedir(), '.edgetune');
  return path.join(home, 'runs');
}

export type RunKind = 'tune' | 'sweep' | 'schedule' | 'bench' | 'align' | 'validate' | 'match';
export type RunStatus = 'running' | 'complete' | 'incomplete' | 'failed';

export const RUN_SCHEMA = 'edgetune/run@1';

export interface RunRecord {
  schema: typeof RUN_SCHEMA;
  kind: RunKind;
  label: string;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  command: string[];
  files: string[];
  message?: string;
}

export function runFolderName(kind: RunKind, label: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safeLabel = label.replace(/[^a-zA-Z0-9._-]+/g, '_').slice(0, 60);
  return `${stamp}-${kind}-${safeLabel}`;
}

export class RunFolder {
  private constructor(readonly folder: string, private record: RunRecord) {}

  /** `out` is used as given; otherwise a new folder under the runs root. Fails before any work if unwritable. */
  static async create(options: { kind: RunKind; label: string; out?: string; root?: string; command?: string[] }): Promise<RunFolder> {
    const now = new Date();
    const folder = options.out
      ? path.resolve(options.out)
      : path.join(options.root ?? defaultRunsRoot(), runFolderName(options.kind, options.label, now));
    await ensureWritableFolder(folder);
    const record: RunRecord = {
      schema: RUN_SCHEMA,
      kind: options.kind,
      label: options.label,
      status: 'running',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      command: options.command ?? process.argv.slice(2),
      files: [],
    };
    const run = new RunFolder(folder, record);
    await run.saveRecord();
    return run;
  }

  /**
   * Reopens a run folder to continue it (`edgetune align --resume`): its record is kept, its status set
   * back to running. Fails with a UserError when the folder holds no run of `kind`.
   */
  static async open(folder: string, kind: RunKind): Promise<RunFolder> {
    const resolved = path.resolve(folder);
    const recordPath = path.join(resolved, 'run.json');
    let record: RunRecord;
    try {
      record = JSON.parse(await readFile(recordPath, 'utf8')) as RunRecord;
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new UserError(
        'run-not-found',
        missing ? `${resolved} is not an EdgeTune run folder (no run.json)` : `cannot read ${recordPath}: ${(error as Error).message}`,
        `pass the folder an earlier \`edgetune ${kind}\` run wrote (its path is printed at the end of the run)`,
      );
    }
    if (record.schema !== RUN_SCHEMA || record.kind !== kind) {
      throw new UserError('run-not-found', `${resolved} holds a ${record.kind ?? 'unknown'} run, not a run of kind ${kind}`, `pass the folder an earlier \`edgetune ${kind}\` run wrote`);
    }
    await ensureWritableFolder(resolved);
    const run = new RunFolder(resolved, { ...record, status: 'running', message: undefined, updatedAt: new Date().toISOString() });
    await run.saveRecord();
    return run;
  }

  path(name: string): string {
    return path.join(this.folder, name);
  }

  async writeJson(name: string, value: unknown): Promise<string> {
    await writeJsonAtomic(this.path(name), value);
    return this.noteFile(name);
  }

  async writeText(name: string, text: string): Promise<string> {
    await writeFileAtomic(this.path(name), text);
    return this.noteFile(name);
  }

  async finish(status: Exclude<RunStatus, 'running'>, message?: string): Promise<void> {
    this.record = { ...this.record, status, message, updatedAt: new Date().toISOString() };
    await this.saveRecord();
  }

  private async noteFile(name: string): Promise<string> {
    if (!this.record.files.includes(name)) this.record.files.push(name);
    return this.path(name);
  }

  private async saveRecord(): Promise<void> {
    await writeJsonAtomic(this.path('run.json'), this.record);
  }
}
