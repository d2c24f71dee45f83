import type { LatencyCurve } from '../schedule/latency.js';
import type { LoadedProfile } from './load-profile.js';

/**
 * The whole-network latency model a schedule needs, from a profile. A block sweep with a checked
 * whole-model fit uses the fit (the block's in-network cost and the fixed overhead); other profiles
 * are whole-model curves over `depth` layers.
 */
export function latencyCurveFromProfile(loaded: LoadedProfile, depthOverride?: number): LatencyCurve {
  const { profile } = loaded;
  const depth = depthOverride ?? profile.depth ?? 12;
  if (profile.unit === 'block' && profile.fullModel) {
    const perLayer = profile.fullModel.blockScale / profile.fullModel.depth;
    return {
      unit: 'block',
      depth,
      overheadMs: profile.fullModel.overheadMs,
      points: profile.points.map((point) => ({ ...point, medianMs: point.medianMs * perLayer, p10Ms: point.p10Ms * perLayer, p90Ms: point.p90Ms * perLayer, iqrMs: point.iqrMs * perLayer })),
    };
  }
  return { unit: profile.unit ?? 'model', depth, overheadMs: 0, points: profile.points };
}
