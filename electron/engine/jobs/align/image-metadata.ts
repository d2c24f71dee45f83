/**
 * The text every saved image carries (PNG tEXt/iTXt), so that an image found on its own says how
 * to make it again: the run's settings, where in the search it came from, and its genome's hash.
 * A search is deterministic given its settings, so the recipe — the same command with `--steps`
 * ending at the image's generation — regenerates it; genomes/<hash>.f32 (kept for z0 and the best)
 * regenerates it in one step.
 */
import type { AlignSettings } from './settings.js';

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=+,@%-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The `edgetune align` command that reruns a run's search up to and including `generation`. */
export function recipeCommand(settings: AlignSettings, generation: number): string {
  const words = ['edgetune', 'align', '--model', settings.model];
  if (settings.prompt !== null) words.push('--prompt', settings.prompt);
  words.push('--reward', settings.reward, '--algo', settings.algorithm);
  if (settings.populationSize !== undefined) words.push('--pop', String(settings.populationSize));
  words.push('--seed', String(settings.seed));
  if (settings.shell) words.push('--shell');
  const { denoiseSteps, sampler, batchSize, guidanceScale, negativePrompt } = settings.pipeline;
  if (denoiseSteps !== undefined) words.push('--denoise-steps', String(denoiseSteps));
  if (sampler !== undefined) words.push('--sampler', sampler);
  if (batchSize !== undefined) words.push('--batch', String(batchSize));
  if (guidanceScale !== undefined) words.push('--guidance', String(guidanceScale));
  if (negativePrompt !== undefined) words.push('--negative-prompt', negativePrompt);
  words.push('--steps', String(generation + 1));
  return words.map(shellQuote).join(' ');
}

export function imageText(options: {
  readonly settings: AlignSettings;
  readonly modelLabel: string;
  /** null for the baseline image, z0 */
  readonly generation: number | null;
  readonly candidate: number;
  readonly generationSeed: number;
  readonly genomeHash: string;
  readonly reward: number;
  readonly violation: number;
}): Record<string, string> {
  const { settings, generation, candidate } = options;
  const recipe =
    generation === null
      ? `${recipeCommand(settings, 0)} # z0, the baseline every candidate is compared with (genome ${options.genomeHash})`
      : `${recipeCommand(settings, generation)} # then take candidate ${candidate} of generation ${generation} (genome ${options.genomeHash})`;
  return {
    Software: 'EdgeTune',
    prompt: settings.prompt ?? '',
    model: options.modelLabel,
    seed: String(settings.seed),
    generationSeed: String(options.generationSeed),
    algorithm: settings.algorithm,
    generation: generation === null ? 'baseline' : String(generation),
    candidate: generation === null ? 'z0' : String(candidate),
    rewardSpec: settings.reward,
    reward: String(options.reward),
    violation: String(options.violation),
    genomeHash: options.genomeHash,
    recipe,
  };
}
