/**
 * Predicted latency of each variant from the profile a schedule was made from: the profile's
 * per-layer latency model applied to the counts each layer of the variant runs at.
 */
import type { VitArchitecture } from '../../models/architectures.js';
import type { LayerTokenCount } from '../../prune/index.js';
import { latencyModel } from '../../schedule/latency.js';
import { predictLayerCountsMs } from '../../schedule/pruned-latency.js';
import { latencyCurveFromProfile } from '../latency-curve.js';
import type { LoadedProfile } from '../load-profile.js';

export interface VariantPredictor {
  /** the profile file */
  source: string;
  /** 'block' (one block swept, whole network fitted) or 'model' */
  unit: 'block' | 'model';
  predictMs: (counts: readonly LayerTokenCount[]) => number;
  /** the token counts the profile measured: predictions outside them are refused, not extrapolated */
  tokenRange: { from: number; to: number };
  /** what makes the prediction less comparable with this run, one sentence each */
  caveats: string[];
}

export function profilePredictor(loaded: LoadedProfile, arch: VitArchitecture, run: { ep: string; batch: number }): VariantPredictor {
  const { profile } = loaded;
  const model = latencyModel(latencyCurveFromProfile(loaded, arch.depth));
  const caveats: string[] = [];
  const profiledId = typeof profile.model === 'object' ? profile.model.id : undefined;
  if (typeof profiledId === 'string' && profiledId !== arch.id) caveats.push(`the profile measured ${profiledId}, not ${arch.id}`);
  if (profile.ep !== run.ep) caveats.push(`the profile was measured on ${profile.ep}, this run on ${run.ep}`);
  if (profile.batch !== run.batch) caveats.push(`the profile was measured at batch ${profile.batch}, this run at batch ${run.batch}`);
  if (!profile.complete) caveats.push('the profile is incomplete (its sweep was cancelled)');
  if (profile.unit === 'block' && !profile.fullModel) caveats.push('the profile times one block with no whole-model fit: predictions leave out the head and per-run cost');
  const tokenRange = { from: model.tokens[0], to: model.tokens[model.tokens.length - 1] };
  return { source: loaded.source, unit: profile.unit ?? 'model', predictMs: (counts) => predictLayerCountsMs(model, counts, arch), tokenRange, caveats };
}
