import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { profileSchema, type Profile } from '../contracts/profile.js';
import { parseProfileCsv } from '../staircase/csv.js';
import { detectStaircase } from '../staircase/detect.js';
import type { FullModelValidation } from './full-model.js';

/** A profile ready for scheduling, whatever file it came from. */
export interface LoadedProfile {
  source: string;
  profile: Profile & { unit?: 'block' | 'model'; depth?: number; fullModel?: FullModelValidation };
  fromCsv: boolean;
}

/** Reads our profile.json (or a run folder holding one), or another tool's CSV. */
export async function loadProfile(target: string): Promise<LoadedProfile> {
  let file = target;
  try {
    if ((await stat(target)).isDirectory()) file = path.join(target, 'profile.json');
  } catch {
    throw new UserError('profile-not-found', `no profile at ${target}`, 'pass a run folder, its profile.json, or a CSV with a tokens column and a latency column (median_ms, latency_ms or ms)');
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError('profile-not-found', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'pass a run folder, its profile.json, or a CSV profile');
  }
  if (file.toLowerCase().endsWith('.csv') || !text.trimStart().startsWith('{')) {
    const points = parseProfileCsv(text, file);
    const staircase = detectStaircase(points);
    const profile = profileSchema.parse({
      schema: 'edgetune/profile@1',
      ep: 'unknown',
      model: path.basename(file),
      points: points.map((point) => ({ p10Ms: point.medianMs, p90Ms: point.medianMs, iqrMs: 0, samples: 1, ...point })),
      steps: staircase.steps,
      plateaus: staircase.plateaus,
      regime: staircase.regime,
      summary: staircase.summary,
    });
    return { source: file, profile: { ...profile, unit: 'model' }, fromCsv: true };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError('profile-invalid', `${file} is not valid JSON: ${(error as Error).message}`, 'pass a profile.json written by `edgetune sweep` or a CSV profile');
  }
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError('profile-invalid', `${file} is not an EdgeTune profile: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, 'pass a profile.json written by `edgetune sweep` (schema edgetune/profile@1) or a CSV profile');
  }
  return { source: file, profile: parsed.data as LoadedProfile['profile'], fromCsv: false };
}

/** A profile just measured, in the form the schedule takes. */
export function loadedFromSweep(source: string, profile: LoadedProfile['profile']): LoadedProfile {
  return { source, profile, fromCsv: false };
}
