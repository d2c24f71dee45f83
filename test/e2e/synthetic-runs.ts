import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Run folders written straight to disk, as the engine would leave them, for what a short sweep
 * cannot give: a 10,000-point staircase to load the chart with, and a run to delete.
 */
export async function writeSyntheticRun(
  runsRoot: string,
  options: { runId: string; label: string; createdAt: string; points: number; plateauWidth: number },
): Promise<string> {
  const folder = path.join(runsRoot, options.runId);
  await mkdir(folder, { recursive: true });
  const levelMs = (tokens: number) => 1 + 0.25 * Math.floor((tokens - 1) / options.plateauWidth);
  // A deterministic wobble, so the band is visible without a random source.
  const wobble = (tokens: number) => 0.02 * Math.sin(tokens * 0.7);
  const points = Array.from({ length: options.points }, (_, index) => {
    const tokens = index + 1;
    const medianMs = levelMs(tokens) + wobble(tokens);
    return { tokens, medianMs, p10Ms: medianMs - 0.04, p90Ms: medianMs + 0.06, iqrMs: 0.05, samples: 9 };
  });
  const stepCount = Math.floor((options.points - 1) / options.plateauWidth);
  const steps = Array.from({ length: stepCount }, (_, index) => {
    const tokens = (index + 1) * options.plateauWidth + 1;
    return { tokens, beforeMs: levelMs(tokens - 1), afterMs: levelMs(tokens), jumpPct: (0.25 / levelMs(tokens - 1)) * 100, confidence: 0.95 };
  });
  const plateaus = Array.from({ length: stepCount + 1 }, (_, index) => ({
    from: index * options.plateauWidth + 1,
    to: Math.min(options.points, (index + 1) * options.plateauWidth),
    medianMs: levelMs(index * options.plateauWidth + 1),
  }));
  const profile = {
    schema: 'edgetune/profile@1',
    createdAt: options.createdAt,
    complete: true,
    device: { cpu: 'synthetic' },
    ep: 'cpu',
    model: { id: options.label, part: 'block', tokens: options.points },
    batch: 1,
    points,
    steps,
    plateaus,
    regime: 'staircase',
    summary: `${steps.length} synthetic steps every ${options.plateauWidth} tokens`,
    notes: ['written by the end-to-end test, not measured'],
  };
  const record = {
    schema: 'edgetune/run@1',
    kind: 'sweep',
    label: options.label,
    status: 'complete',
    createdAt: options.createdAt,
    updatedAt: options.createdAt,
    command: ['sweep', '--model', options.label],
    files: ['profile.json'],
  };
  await writeFile(path.join(folder, 'profile.json'), JSON.stringify(profile));
  await writeFile(path.join(folder, 'run.json'), JSON.stringify(record, null, 2));
  return folder;
}

/**
 * A vit-ti16 profile with one confident step at 193 tokens, as a sweep would leave it: the
 * schedule's minimal move keeps 192 tokens, which the validation then times.
 */
export async function writeProfileRun(runsRoot: string, options: { runId: string; label: string; createdAt: string }): Promise<string> {
  const folder = path.join(runsRoot, options.runId);
  await mkdir(folder, { recursive: true });
  const level = (tokens: number) => (tokens <= 192 ? 1 : 1.3);
  const points = Array.from({ length: 197 }, (_, index) => {
    const tokens = index + 1;
    return { tokens, medianMs: level(tokens), p10Ms: level(tokens) - 0.01, p90Ms: level(tokens) + 0.01, iqrMs: 0.01, samples: 9 };
  });
  const profile = {
    schema: 'edgetune/profile@1',
    createdAt: options.createdAt,
    complete: true,
    device: { cpu: 'synthetic' },
    ep: 'cpu',
    model: { id: 'vit-ti16', part: 'block', tokens: 197 },
    batch: 1,
    unit: 'block',
    depth: 12,
    points,
    steps: [{ tokens: 193, beforeMs: 1, afterMs: 1.3, jumpPct: 30, confidence: 0.95 }],
    plateaus: [
      { from: 1, to: 192, medianMs: 1 },
      { from: 193, to: 197, medianMs: 1.3 },
    ],
    regime: 'staircase',
    summary: 'one synthetic step at 193 tokens',
    notes: ['written by the end-to-end test, not measured'],
  };
  const record = {
    schema: 'edgetune/run@1',
    kind: 'sweep',
    label: options.label,
    status: 'complete',
    createdAt: options.createdAt,
    updatedAt: options.createdAt,
    command: ['sweep', '--model', options.label],
    files: ['profile.json'],
  };
  await writeFile(path.join(folder, 'profile.json'), JSON.stringify(profile));
  await writeFile(path.join(folder, 'run.json'), JSON.stringify(record, null, 2));
  return folder;
}
