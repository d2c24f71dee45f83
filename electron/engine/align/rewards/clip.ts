/**
 * CLIP-style prompt fidelity: cosine similarity between an image encoder's embedding of each image
 * and one text embedding, larger is better. The text side is either a precomputed embedding or a
 * text encoder ONNX run once on the prompt's token ids (tokenising is the CLIP tokenizer's job).
 * The paper's CLIP objective is 100·cos (logits_per_image); we report cos itself, in [−1, 1].
 *
 * Images are resized whole to the encoder's input (bilinear). CLIP's own preprocessing resizes the
 * short side bicubically and centre-crops; for the square images diffusion models make the two differ
 * only in the interpolation.
 */
import ort from 'onnxruntime-node';
import { UserError } from '../../errors.js';
import { cosine } from '../vector.js';
import {
  checkBatchSize,
  openSession,
  pickName,
  resolveImageInput,
  runImageModel,
  valueShape,
  type DeclaredImageInput,
  type ModelInput,
  type ModelReward,
} from './onnx-session.js';

/** OpenAI CLIP's normalisation (0–1 scale). */
export const clipNormalisation = {
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
} as const;

export type TextEmbeddingSource =
  | { readonly embedding: Float32Array | readonly number[] }
  | {
      readonly encoder: ModelInput;
      /** the prompt's token ids, already padded as the encoder expects (e.g. to 77) */
      readonly tokenIds: readonly number[];
      /** 1 for real tokens, 0 for padding; all ones when absent. Fed only if the encoder has such an input. */
      readonly attentionMask?: readonly number[];
      readonly inputName?: string;
      readonly outputName?: string;
    };

export interface ClipRewardOptions extends DeclaredImageInput {
  /** default `clip` */
  readonly name?: string;
  readonly description?: string;
  readonly imageEncoder: ModelInput;
  /** the image encoder's embedding output; default its first output */
  readonly outputName?: string;
  readonly text: TextEmbeddingSource;
  readonly batchSize?: number;
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
}

function int64Tensor(values: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values, (value) => BigInt(value)), [1, values.length]);
}

/** Runs a text encoder once on token ids; its output must be one embedding, [1, D]. */
export async function encodeText(
  source: Extract<TextEmbeddingSource, { encoder: ModelInput }>,
  sessionOptions?: ort.InferenceSession.SessionOptions,
): Promise<Float32Array> {
  const label = 'CLIP text encoder';
  if (source.tokenIds.length === 0 || source.tokenIds.some((id) => !Number.isInteger(id) || id < 0)) {
    throw new UserError('reward-text-tokens', 'the prompt token ids must be a non-empty list of non-negative integers', 'tokenise the prompt with the CLIP tokenizer');
  }
  const session = await openSession(source.encoder, label, sessionOptions);
  try {
    const inputName = pickName(session.inputNames, source.inputName, label, 'input');
    const outputName = pickName(session.outputNames, source.outputName, label, 'output');
    const fixedLength = valueShape(session, inputName, 'input')?.[1];
    if (typeof fixedLength === 'number' && fixedLength > 0 && fixedLength !== source.tokenIds.length) {
      throw new UserError(
        'reward-text-tokens',
        `the ${label} takes exactly ${fixedLength} tokens; got ${source.tokenIds.length}`,
        `pad (or truncate) the token ids to ${fixedLength}, as the CLIP tokenizer does`,
      );
    }
    const feeds: Record<string, ort.Tensor> = { [inputName]: int64Tensor(source.tokenIds) };
    if (session.inputNames.includes('attention_mask') && inputName !== 'attention_mask') {
      feeds.attention_mask = int64Tensor(source.attentionMask ?? source.tokenIds.map(() => 1));
    }
    const output = (await session.run(feeds, [outputName]))[outputName] as ort.Tensor;
    if (output.dims.length !== 2 || output.dims[0] !== 1 || output.type !== 'float32') {
      throw new UserError(
        'reward-model-io',
        `the ${label}'s output '${outputName}' is ${output.type} [${output.dims.join(', ')}]; a pooled text embedding is float32 [1, D]`,
        "export the projected text model (CLIPTextModelWithProjection, output 'text_embeds') or name that output",
      );
    }
    return Float32Array.from(output.data as Float32Array);
  } finally {
    await session.release();
  }
}

export async function createClipReward(options: ClipRewardOptions): Promise<ModelReward> {
  const name = options.name ?? 'clip';
  const label = `'${name}' image encoder`;
  const batchSize = checkBatchSize(options.batchSize ?? 8);
  const text = 'embedding' in options.text ? Float32Array.from(options.text.embedding) : await encodeText(options.text, options.sessionOptions);
  if (text.length === 0 || text.every((value) => value === 0) || text.some((value) => !Number.isFinite(value))) {
    throw new UserError('reward-text-embedding', `the text embedding for '${name}' is empty, zero or not finite`, 'check the text encoder and the token ids');
  }
  const session = await openSession(options.imageEncoder, label, options.sessionOptions);
  try {
    const input = resolveImageInput(session, label, options, clipNormalisation);
    const outputName = pickName(session.outputNames, options.outputName, label, 'output');
    return {
      name,
      direction: 'max',
      description: options.description ?? `CLIP cosine similarity between image and prompt embeddings, −1 to 1, maximised`,
      async score(images) {
        const rows = await runImageModel(session, input, outputName, images, batchSize, label);
        const values = rows.map((row) => {
          if (row.length !== text.length) {
            throw new UserError(
              'reward-model-io',
              `the ${label} gives ${row.length}-value embeddings but the text embedding has ${text.length}`,
              'use an image and a text encoder from the same CLIP model (both projected to the shared space)',
            );
          }
          // A zero embedding has no direction: cosine is NaN, which the search counts as invalid.
          return cosine(row, text);
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
