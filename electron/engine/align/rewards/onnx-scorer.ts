/**
 * A user's ONNX image → score model as a reward (aesthetic predictors, ImageReward-style heads exported
 * to ONNX, anything that maps an image to numbers). The user declares what the model was trained
 * with: input size, layout, normalisation, and which output value is the score.
 */
import type ort from 'onnxruntime-node';
import { UserError } from '../../errors.js';
import type { Direction } from '../direction.js';
import {
  checkBatchSize,
  openSession,
  pickName,
  resolveImageInput,
  runImageModel,
  type DeclaredImageInput,
  type ModelInput,
  type ModelReward,
} from './onnx-session.js';

export interface OnnxScorerOptions extends DeclaredImageInput {
  /** how the reward spec refers to it, e.g. `aesthetic` */
  readonly name: string;
  readonly model: ModelInput;
  /** default 'max' */
  readonly direction?: Direction;
  readonly description?: string;
  /** which value of each image's (flattened) output is the score; default 0 */
  readonly outputIndex?: number;
  readonly outputName?: string;
  /** images per onnxruntime run when the model's batch axis is dynamic; default 8 */
  readonly batchSize?: number;
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
}

/** No normalisation unless declared: the model sees pixel/255. */
const identityNormalisation = { mean: [0, 0, 0], std: [1, 1, 1] } as const;

export async function createOnnxScorer(options: OnnxScorerOptions): Promise<ModelReward> {
  const label = `'${options.name}' reward`;
  const batchSize = checkBatchSize(options.batchSize ?? 8);
  const outputIndex = options.outputIndex ?? 0;
  if (!Number.isInteger(outputIndex) || outputIndex < 0) throw new RangeError(`outputIndex must be a non-negative integer, got ${outputIndex}`);
  const session = await openSession(options.model, label, options.sessionOptions);
  try {
    const input = resolveImageInput(session, label, options, identityNormalisation);
    const outputName = pickName(session.outputNames, options.outputName, label, 'output');
    const direction = options.direction ?? 'max';
    const { width, height, layout } = input.spec;
    return {
      name: options.name,
      direction,
      description:
        options.description ??
        `ONNX model score (output '${outputName}'[${outputIndex}], input ${width}×${height} ${layout.toUpperCase()}), ${direction === 'max' ? 'maximised' : 'minimised'}`,
      async score(images) {
        const rows = await runImageModel(session, input, outputName, images, batchSize, label);
        const values = rows.map((row) => {
          if (outputIndex >= row.length) {
            throw new UserError(
              'reward-model-io',
              `the ${label} model gives ${row.length} values per image; output index ${outputIndex} does not exist`,
              `choose an output index from 0 to ${row.length - 1}`,
            );
          }
          return row[outputIndex];
        });
        return { values, violations: values.map(() => 0) };
      },
      release: () => session.release(),
    };
  } catch (error) {
    await session.release();
    throw error;
  }
}
