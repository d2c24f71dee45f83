import os from 'node:os';
import path from 'node:path';
import { ensureWritableFolder, writeFileAtomic, writeJsonAtomic } from './files.js';

/**
 * Where runs live unless --out says otherwise: $EDGETUNE_HOME/runs, else ~/.edgetune/runs.
 * Every run is one folder; run.json says what it is and whether it finished.
 */
export function defaultRunsRoot(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.EDGETUNE_HOME ?? path.join(os.homedir(), '.edgetune');
  return path.join(home, 'runs');
}

export type RunKind = 'tune' | 'sweep' | 'schedule' | 'bench';
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
