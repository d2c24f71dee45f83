/** Reading the files of a model folder, with errors that say which file and what to do. */
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { UserError } from '../errors.js';

export interface ModelFile {
  /** absolute or caller-relative path, for reading */
  readonly path: string;
  /** how the user knows the file: its path inside the model folder, e.g. "unet/model.onnx" */
  readonly label: string;
  /** what to do when the file is missing or wrong */
  readonly fix: string;
}

export async function requireFile(file: ModelFile): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(file.path)).isFile();
  } catch (error) {
    throw missing(file, error);
  }
  if (!isFile) throw new UserError('model-not-found', `${file.label} is not a file (${file.path})`, file.fix);
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function readTextFile(file: ModelFile): Promise<string> {
  try {
    return await readFile(file.path, 'utf8');
  } catch (error) {
    throw missing(file, error);
  }
}

export async function readJsonFile(file: ModelFile): Promise<unknown> {
  const text = await readTextFile(file);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserError('model-invalid', `${file.label} is not valid JSON: ${(error as Error).message}`, file.fix);
  }
}

/** Validates a parsed file; unknown fields are dropped, as EdgeTune does for every file it reads. */
export function parseModelFile<T extends z.ZodType>(schema: T, value: unknown, file: ModelFile): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = z.prettifyError(result.error).replace(/\n\s*/g, '; ');
    throw new UserError('model-invalid', `${file.label} is not valid: ${problems}`, file.fix);
  }
  return result.data;
}

function missing(file: ModelFile, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError('model-not-found', `${file.label} is missing (looked for ${file.path})`, file.fix);
  return new UserError('model-unreadable', `cannot read ${file.label} (${file.path}): ${code ?? String(error)}`, file.fix);
}
