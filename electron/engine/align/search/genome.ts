/** Making, checking and projecting genomes. */
import type { Rng } from '../../util/rng.js';
import { norm } from '../vector.js';
import type { Genome } from './types.js';

export function normalGenome(rng: Rng, dimension: number, stdev = 1): Genome {
  const genome = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) genome[i] = rng.normal() * stdev;
  return genome;
}

/** Radius of the Gaussian shell: a d-dimensional N(0, I) sample has norm ≈ √d. */
export function shellRadius(dimension: number): number {
  return Math.sqrt(dimension);
}

/**
 * Scales a genome onto the sphere of radius √d (in place). Diffusion models were trained on noise that
 * lives there; repeated mutation drifts outward (~1 % in E‖z‖² per σ = 0.1 step) and nothing else pulls back.
 */
export function projectToShell(genome: Genome): Genome {
  const length = norm(genome);
  if (length === 0 || !Number.isFinite(length)) return genome;
  const scale = shellRadius(genome.length) / length;
  for (let i = 0; i < genome.length; i++) genome[i] *= scale;
  return genome;
}

export function checkGenome(genome: ArrayLike<number>, dimension: number, label: string): void {
  if (genome.length !== dimension) throw new RangeError(`${label} has ${genome.length} values, expected dimension ${dimension}`);
  for (let i = 0; i < genome.length; i++) {
    if (!Number.isFinite(genome[i])) throw new RangeError(`${label}[${i}] is ${genome[i]}: genomes must be finite`);
  }
}
