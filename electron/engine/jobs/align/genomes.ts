/**
 * Genomes as files and names. A genome's hash names it everywhere (PNG metadata, lineage, files):
 * SHA-256 of its little-endian float32 bytes, first 16 hex digits. genomes/<hash>.f32 holds those
 * bytes raw, so any tool can read one back (numpy: `np.fromfile(path, '<f4')`).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Genome } from '../../align/index.js';
import { UserError } from '../../errors.js';

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export function genomeBytes(genome: Genome): Buffer {
  const bytes = Buffer.from(genome.buffer, genome.byteOffset, genome.byteLength);
  return littleEndian ? bytes : Buffer.from(bytes).swap32();
}

export function genomeHash(genome: Genome): string {
  return createHash('sha256').update(genomeBytes(genome)).digest('hex').slice(0, 16);
}

export function genomeFileName(hash: string): string {
  return `genomes/${hash}.f32`;
}

export async function readGenomeFile(path: string, dimension: number): Promise<Genome> {
  const bytes = await readFile(path);
  if (bytes.length !== dimension * 4) {
    throw new UserError('align-genome-invalid', `${path} holds ${bytes.length / 4} values; the model's latent has ${dimension}`, 'pass a genome saved by a run of the same model');
  }
  if (!littleEndian) bytes.swap32();
  const genome = new Float32Array(dimension);
  new Uint8Array(genome.buffer).set(bytes);
  return genome;
}
