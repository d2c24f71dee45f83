/** Test objectives with known optima, and a loop that runs a search on them. */
import type { Search } from '../../../electron/engine/align/search/types.js';
import { createRng } from '../../../electron/engine/util/rng.js';

/** f(x) = ‖x − c‖², c ~ N(0, 0.25·I) fixed by `seed`: minimum 0 at c. */
export function shiftedSphere(dimension: number, seed = 999): (genome: Float32Array) => number {
  const rng = createRng(seed);
  const center = Float64Array.from({ length: dimension }, () => 0.5 * rng.normal());
  return (genome) => {
    let sum = 0;
    for (let i = 0; i < dimension; i++) sum += (genome[i] - center[i]) ** 2;
    return sum;
  };
}

/** A standard normal genome: the base noise z0 every search in a comparison starts from. */
export function baseNoise(dimension: number, seed = 7): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: dimension }, () => rng.normal());
}

/** Runs whole generations while they fit in `evaluations`; returns the best fitness seen. */
export function bestWithin(search: Search, objective: (genome: Float32Array) => number, evaluations: number): number {
  for (;;) {
    const candidates = search.ask();
    if (search.evaluations + candidates.length > evaluations) break;
    search.tell(candidates.map(objective));
  }
  const best = search.best();
  if (best === null) throw new Error('search found nothing');
  return best.fitness;
}
