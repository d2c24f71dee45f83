import { runVittmCompare, type VittmPair } from '../jobs/vittm/compare.js';
import type { ExecutionProviderChoice } from '../measure/execution-providers.js';
import type { VittmProgress } from '../jobs/vittm/shared.js';

export interface VittmRatioFigures {
  ep: string;
  batch: number;
  patchSetting: string;
  rounds: number;
  wallS: number;
  complete: boolean;
  pairs: {
    vittm: string;
    vit: string;
    vittmMedianMs: number;
    vitMedianMs: number;
    /** ViTTM time / ViT time: median of the per-round ratios */
    latencyRatio: number | null;
    /** quartiles of the per-round ratios */
    latencyRatioQ25: number | null;
    latencyRatioQ75: number | null;
    /** ViTTM MACs / ViT MACs, both from the image (patch embeddings included) */
    macRatio: number;
  }[];
}

export const DEFAULT_VITTM_BENCH_PAIRS: VittmPair[] = [
  { vittm: 'vittm-b', vit: 'vit-b16' },
  { vittm: 'vittm-s', vit: 'vit-s16' },
];

/**
 * ViTTM-B / ViT-B and ViTTM-S / ViT-S on one provider, all four models measured side by side in
 * the same shuffled rounds, so both ratios see the same machine.
 */
export async function benchVittmRatios(options: {
  ep: ExecutionProviderChoice;
  rounds: number;
  seed: number;
  pairs?: VittmPair[];
  onProgress?: (progress: VittmProgress) => void;
}): Promise<VittmRatioFigures> {
  const { document } = await runVittmCompare({
    ep: options.ep,
    pairs: options.pairs ?? DEFAULT_VITTM_BENCH_PAIRS,
    prunedTokens: 'none',
    rounds: options.rounds,
    seed: options.seed,
    onProgress: options.onProgress,
  });
  const medianOf = (key: string) => document.models.find((model) => model.key === key)?.medianMs ?? Number.NaN;
  return {
    ep: document.ep,
    batch: document.batch,
    patchSetting: document.patchSetting,
    rounds: document.rounds.done,
    wallS: document.wallMs / 1000,
    complete: document.complete,
    pairs: document.pairs.map((pair) => ({
      vittm: pair.vittm,
      vit: pair.vit,
      vittmMedianMs: medianOf(pair.vittm),
      vitMedianMs: medianOf(pair.vit),
      latencyRatio: pair.vittmOverVit.latencyRatio?.median ?? null,
      latencyRatioQ25: pair.vittmOverVit.latencyRatio?.q25 ?? null,
      latencyRatioQ75: pair.vittmOverVit.latencyRatio?.q75 ?? null,
      macRatio: pair.vittmOverVit.macRatio,
    })),
  };
}
