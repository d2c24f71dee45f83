import type ort from 'onnxruntime-node';
import { UserError } from '../../errors.js';
import type { ModelSession } from './session.js';
import { floatOutput } from './tensors.js';

/**
 * Runs `rows` batch rows through a model, all at once when its batch axis is dynamic, or in groups
 * of the fixed batch some static exports (for Core ML, DirectML, NPUs) declare. Returns one float
 * output, rows concatenated, and its dims with the batch axis set to `rows`.
 */
export async function runInGroups(
  model: ModelSession,
  rows: number,
  fixedBatch: number | null,
  feedsFor: (startRow: number, rowCount: number) => Record<string, ort.Tensor>,
  outputName: string,
): Promise<{ values: Float32Array; dims: number[] }> {
  const group = fixedBatch ?? rows;
  if (rows % group !== 0) {
    throw new UserError(
      'model-unsupported',
      `${model.label} was exported with a fixed batch of ${group}, which does not divide the ${rows} rows asked for`,
      `use a batch size that is a multiple of ${group} (halve it when guidance is on), or re-export with a dynamic batch axis`,
    );
  }
  if (group === rows) return floatOutput(await model.run(feedsFor(0, rows)), outputName, model.label);
  const parts: Float32Array[] = [];
  let dims: number[] = [];
  for (let start = 0; start < rows; start += group) {
    const output = floatOutput(await model.run(feedsFor(start, group)), outputName, model.label);
    parts.push(output.values);
    dims = output.dims;
  }
  const values = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => (values.set(part, offset), offset + part.length), 0);
  return { values, dims: [rows, ...dims.slice(1)] };
}
