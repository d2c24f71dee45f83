import { lstat, readdir, readFile, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../../engine/errors.js';
import { profileSchema } from '../../engine/contracts/profile.js';
import { scheduleSchema } from '../../engine/contracts/schedule.js';
import { probeResultSchema, runIdSchema, type RunDetail, type RunDocumentName, type RunFileContent, type RunSummary } from '../contract.js';
import { alignDocumentSchema, matchDocumentSchema, validationDocumentSchema, vittmCompareDocumentSchema, vittmGridDocumentSchema } from '../documents.js';
import { isTextMimeType, mimeTypeOf } from './mime-types.js';

/** Larger files are for the file manager, not for a JSON answer. */
export const MAX_RUN_FILE_BYTES = 64 * 2 ** 20;
/** A run folder is listed to this many files; align runs with galleries stay far below it. */
const MAX_LISTED_FILES = 5000;

const runRecordSchema = z.looseObject({
  kind: z.string(),
  label: z.string(),
  status: z.enum(['running', 'complete', 'incomplete', 'failed']),
  createdAt: z.string(),
  updatedAt: z.string(),
  command: z.array(z.string()).default([]),
  message: z.string().optional(),
});
type RunRecord = z.infer<typeof runRecordSchema>;

/** Each document a run can hold: its file in the run folder and its schema. */
const RUN_DOCUMENTS: Record<RunDocumentName, { file: string; schema: z.ZodType }> = {
  profile: { file: 'profile.json', schema: profileSchema },
  schedule: { file: 'schedule.json', schema: scheduleSchema },
  probe: { file: 'probe.json', schema: probeResultSchema },
  validation: { file: 'validation.json', schema: validationDocumentSchema },
  match: { file: 'match.json', schema: matchDocumentSchema },
  vittmCompare: { file: 'vittm-compare.json', schema: vittmCompareDocumentSchema },
  vittmGrid: { file: 'vittm-grid.json', schema: vittmGridDocumentSchema },
  align: { file: 'align.json', schema: alignDocumentSchema },
};
const DOCUMENT_NAMES = Object.keys(RUN_DOCUMENTS) as RunDocumentName[];

function summarize(runId: string, record: RunRecord): RunSummary {
  return {
    runId,
    kind: record.kind,
    label: record.label,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.message ? { message: record.message } : {}),
  };
}

/** The runs under `root`, newest first. Folders without a readable run.json are not runs. */
export async function listRuns(root: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs = await Promise.all(
    names.filter((name) => runIdSchema.safeParse(name).success).map(async (runId): Promise<RunSummary | undefined> => {
      const folder = path.join(root, runId);
      const record = await readRunRecord(folder).catch(() => undefined);
      if (!record) return undefined;
      const present = new Set(await readdir(folder).catch(() => []));
      return { ...summarize(runId, record), documents: DOCUMENT_NAMES.filter((name) => present.has(RUN_DOCUMENTS[name].file)) };
    }),
  );
  return runs.filter((run): run is RunSummary => run !== undefined).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export async function getRun(root: string, runId: string): Promise<RunDetail> {
  const folder = runFolder(root, runId);
  const record = await readRunRecord(folder).catch(() => {
    throw runNotFound(runId);
  });
  const files = (await listFiles(folder)).filter((file) => file.name !== 'run.json');
  const problems: string[] = [];
  const document = async <T>(name: string, schema: z.ZodType<T>): Promise<T | undefined> => {
    if (!files.some((file) => file.name === name)) return undefined;
    try {
      const parsed = schema.safeParse(JSON.parse(await readFile(path.join(folder, name), 'utf8')));
      if (parsed.success) return parsed.data;
      problems.push(`${name} does not match its schema: ${parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    } catch (error) {
      problems.push(`${name} cannot be read: ${(error as Error).message}`);
    }
    return undefined;
  };
  const parsed = await Promise.all(DOCUMENT_NAMES.map(async (name) => [name, await document(RUN_DOCUMENTS[name].file, RUN_DOCUMENTS[name].schema)] as const));
  const documents = Object.fromEntries(parsed.filter(([, value]) => value !== undefined));
  return {
    run: { ...summarize(runId, record), command: record.command, documents: DOCUMENT_NAMES.filter((name) => files.some((file) => file.name === RUN_DOCUMENTS[name].file)) },
    files,
    documents: documents as RunDetail['documents'],
    problems,
  };
}

export async function readRunFile(root: string, runId: string, name: string): Promise<RunFileContent> {
  const file = await fileInsideRun(root, runId, name);
  const info = await lstat(file);
  if (info.size > MAX_RUN_FILE_BYTES) {
    throw new UserError('file-too-large', `${name} is ${(info.size / 2 ** 20).toFixed(0)} MiB, more than the ${MAX_RUN_FILE_BYTES / 2 ** 20} MiB a download through the API may be`, `open it from the run folder on disk: ${path.join(root, runId)}`);
  }
  const bytes = await readFile(file);
  const mimeType = mimeTypeOf(name);
  const text = isTextMimeType(mimeType);
  return { name, mimeType, bytes: bytes.length, encoding: text ? 'utf8' : 'base64', content: bytes.toString(text ? 'utf8' : 'base64') };
}

export async function deleteRun(root: string, runId: string): Promise<void> {
  const folder = runFolder(root, runId);
  await readRunRecord(folder).catch(() => {
    // Only folders that are runs are ever deleted, whatever id is asked for.
    throw runNotFound(runId);
  });
  await rm(folder, { recursive: true, force: true });
}

/** The run's folder; the id schema already forbids separators and dots in front, this re-checks. */
export function runFolder(root: string, runId: string): string {
  const folder = path.resolve(root, runId);
  if (!runIdSchema.safeParse(runId).success || path.dirname(folder) !== path.resolve(root)) throw runNotFound(runId);
  return folder;
}

/**
 * A regular file inside the run folder, symlinks resolved: a name that leaves the folder, by '..'
 * or by a link pointing elsewhere, is refused as if it did not exist.
 */
async function fileInsideRun(root: string, runId: string, name: string): Promise<string> {
  const folder = runFolder(root, runId);
  const notFound = new UserError('file-not-found', `run ${runId} has no file ${name}`, 'pick a file listed by getRun');
  const candidate = path.resolve(folder, name);
  if (!isInside(folder, candidate)) throw notFound;
  let real: string;
  let realFolder: string;
  try {
    [real, realFolder] = await Promise.all([realpath(candidate), realpath(folder)]);
  } catch {
    throw notFound;
  }
  if (!isInside(realFolder, real) || !(await lstat(real)).isFile()) throw notFound;
  return real;
}

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

async function readRunRecord(folder: string): Promise<RunRecord> {
  return runRecordSchema.parse(JSON.parse(await readFile(path.join(folder, 'run.json'), 'utf8')));
}

async function listFiles(folder: string, prefix = ''): Promise<{ name: string; bytes: number }[]> {
  const files: { name: string; bytes: number }[] = [];
  for (const entry of await readdir(path.join(folder, prefix), { withFileTypes: true })) {
    if (files.length >= MAX_LISTED_FILES) break;
    // Temporary files of an atomic write in progress, and links, are not the run's files.
    if (entry.name.startsWith('.') || entry.name.endsWith('.tmp') || entry.isSymbolicLink()) continue;
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(folder, name)));
    else if (entry.isFile()) files.push({ name, bytes: (await lstat(path.join(folder, name))).size });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

function runNotFound(runId: string): UserError {
  return new UserError('run-not-found', `no run ${runId}`, 'pick a run listed by listRuns; it may have been deleted');
}
