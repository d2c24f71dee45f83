import { mkdir, rename, rm, writeFile, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';

/**
 * Write a file so that a reader never sees half of it and a failure never destroys the previous
 * version: write beside it, then rename over it.
 */
export async function writeFileAtomic(filePath: string, contents: string | Uint8Array): Promise<void> {
  const temporary = `${filePath}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, contents);
    await rename(temporary, filePath);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw storageError(error, filePath);
  }
}

export async function writeJsonAtomic(filePath: string, value: unknown): Promise<void> {
  await writeFileAtomic(filePath, `${JSON.stringify(value, null, 2)}\n`);
}

/** Create a folder and prove it is writable before any long work starts. */
export async function ensureWritableFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
    await access(folder, constants.W_OK);
    const probe = path.join(folder, `.edgetune-write-check-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    throw storageError(error, folder);
  }
}

export function storageError(error: unknown, target: string): UserError {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOSPC':
      return new UserError('disk-full', `the disk is full: could not write ${target}`, 'free some space or pass --out with a folder on another disk; files written before this point are intact');
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new UserError('output-unwritable', `cannot write to ${target} (${code})`, 'pass --out with a folder you can write to, or fix its permissions');
    case 'ENOTDIR':
    case 'EEXIST':
      return new UserError('output-unwritable', `${target} is not a folder (a file is in the way)`, 'pass --out with a folder path');
    default:
      return new UserError('output-unwritable', `could not write ${target}: ${(error as Error)?.message ?? String(error)}`, 'pass --out with a folder you can write to');
  }
}
