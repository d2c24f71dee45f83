import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import type { CurvePoint } from './curve.js';
import { type AccuracyPoint, parseAccuracyCsv, parseProfileCsv } from './csv.js';

/** The only I/O in staircase/: read a file, hand its text to the pure parsers. */
async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UserError('csv-unreadable', `cannot read the ${what} CSV ${path}: ${code}`, `check the path; the file needs a header row and one row per token count`);
  }
}

export async function readProfileCsvFile(path: string): Promise<CurvePoint[]> {
  return parseProfileCsv(await readText(path, 'latency'), path);
}

export async function readAccuracyCsvFile(path: string): Promise<AccuracyPoint[]> {
  return parseAccuracyCsv(await readText(path, 'accuracy'), path);
}
