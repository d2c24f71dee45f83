/**
 * The onnxruntime side shared by the model rewards: opening a user's model with errors a user can act
 * on, reading what its image input expects, and running batches of images through it.
 */
import { readFile } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import { UserError, errorText } from '../../errors.js';
import type { RgbImage } from '../image.js';
import { checkInputSpec, imagesToTensorData, tensorDims, type ImageInputSpec, type ImageLayout } from './preprocess.js';
import type { Reward } from './types.js';

/** A model as bytes, or the path of a .onnx file. */
export type ModelInput = Uint8Array | string;

/** A reward that holds onnxruntime sessions: release them when the run ends. */
export interface ModelReward extends Reward {
  release(): Promise<void>;
}

export async function openSession(
  model: ModelInput,
  label: string,
  sessionOptions: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  let bytes: Uint8Array;
  if (typeof model === 'string') {
    try {
      bytes = new Uint8Array(await readFile(model));
    } catch (error) {
      throw new UserError(
        'reward-model-not-found',
        `cannot read the ${label} model ${model}: ${(error as NodeJS.ErrnoException).code ?? errorText(error)}`,
        'check the path to the .onnx file',
      );
    }
  } else {
    bytes = model;
  }
  try {
    return await ort.InferenceSession.create(bytes, sessionOptions);
  } catch (error) {
    throw new UserError(
      'reward-model-invalid',
      `onnxruntime could not load the ${label} model${typeof model === 'string' ? ` ${model}` : ''}: ${errorText(error).split('\n')[0]}`,
      'export the model to ONNX (opset 17 or newer) with float32 inputs, and check it opens with `edgetune inspect`',
    );
  }
}

type Shape = readonly (number | string)[];

export function valueShape(session: ort.InferenceSession, name: string, kind: 'input' | 'output'): Shape | null {
  const list = kind === 'input' ? session.inputMetadata : session.outputMetadata;
  const entry = list.find((item) => item.name === name);
  return entry !== undefined && entry.isTensor ? entry.shape : null;
}

export function pickName(names: readonly string[], wanted: string | undefined, label: string, kind: 'input' | 'output'): string {
  if (wanted === undefined) return names[0];
  if (!names.includes(wanted)) {
    throw new UserError(
      'reward-model-io',
      `the ${label} model has no ${kind} named '${wanted}'; its ${kind}s are ${names.map((name) => `'${name}'`).join(', ')}`,
      `pass one of those as the ${kind} name, or leave it out to use the first`,
    );
  }
  return wanted;
}

const fixed = (dim: number | string | undefined): number | null => (typeof dim === 'number' && dim > 0 ? dim : null);

export interface DeclaredImageInput {
  readonly inputName?: string;
  readonly width?: number;
  readonly height?: number;
  readonly layout?: ImageLayout;
  readonly mean?: readonly [number, number, number];
  readonly std?: readonly [number, number, number];
}

export interface ImageModelInput {
  readonly name: string;
  readonly spec: ImageInputSpec;
  /** the model's batch dimension when it is fixed (often 1), else null */
  readonly fixedBatch: number | null;
}

/**
 * Reconciles the declared input (size, layout, normalisation) with what the model says about itself:
 * a size the model fixes need not be declared, and a declared size it contradicts is an error.
 */
export function resolveImageInput(
  session: ort.InferenceSession,
  label: string,
  declared: DeclaredImageInput,
  defaults: { readonly mean: readonly [number, number, number]; readonly std: readonly [number, number, number] },
): ImageModelInput {
  const name = pickName(session.inputNames, declared.inputName, label, 'input');
  const layout = declared.layout ?? 'nchw';
  const shape = valueShape(session, name, 'input');
  if (shape !== null && shape.length !== 4) {
    throw new UserError(
      'reward-model-io',
      `the ${label} model's input '${name}' has ${shape.length} dimensions [${shape.join(', ')}]; an image input has 4`,
      `give the model an image input [batch, 3, height, width] (NCHW) or [batch, height, width, 3] (NHWC)`,
    );
  }
  const [channelAxis, heightAxis, widthAxis] = layout === 'nchw' ? [1, 2, 3] : [3, 1, 2];
  const channels = fixed(shape?.[channelAxis]);
  if (channels !== null && channels !== 3) {
    const other = layout === 'nchw' ? 'nhwc' : 'nchw';
    throw new UserError(
      'reward-model-io',
      `the ${label} model's input '${name}' is [${shape?.join(', ')}]: ${channels} channels where layout ${layout} puts the 3 RGB channels`,
      `declare layout ${other} if that is how the model was exported, or use an RGB model`,
    );
  }
  const size = (axis: number, given: number | undefined, word: string): number => {
    const own = fixed(shape?.[axis]);
    if (own !== null && given !== undefined && own !== given) {
      throw new UserError(
        'reward-model-io',
        `the ${label} model's input '${name}' is fixed at ${word} ${own}, but ${given} was declared`,
        `declare ${word} ${own}, or leave it out to use the model's own`,
      );
    }
    const chosen = given ?? own;
    if (chosen === null) {
      throw new UserError(
        'reward-model-io',
        `the ${label} model's input '${name}' has a dynamic ${word}, and none was declared`,
        `declare the input ${word} the model was trained at (e.g. 224)`,
      );
    }
    return chosen;
  };
  const spec: ImageInputSpec = {
    width: size(widthAxis, declared.width, 'width'),
    height: size(heightAxis, declared.height, 'height'),
    layout,
    mean: declared.mean ?? defaults.mean,
    std: declared.std ?? defaults.std,
  };
  checkInputSpec(spec);
  return { name, spec, fixedBatch: fixed(shape?.[0]) };
}

/** Runs images through an image model in batches; returns each image's output values, flattened. */
export async function runImageModel(
  session: ort.InferenceSession,
  input: ImageModelInput,
  outputName: string,
  images: readonly RgbImage[],
  batchSize: number,
  label: string,
): Promise<Float32Array[]> {
  const chunk = input.fixedBatch ?? batchSize;
  const rows: Float32Array[] = [];
  for (let start = 0; start < images.length; start += chunk) {
    const batch = images.slice(start, start + chunk);
    // A model with a fixed batch gets the remainder padded with zeros; their outputs are dropped.
    const padded = input.fixedBatch ?? batch.length;
    const data = new Float32Array(padded * input.spec.width * input.spec.height * 3);
    data.set(imagesToTensorData(batch, input.spec));
    const feeds = { [input.name]: new ort.Tensor('float32', data, tensorDims(padded, input.spec)) };
    let output: ort.Tensor;
    try {
      output = (await session.run(feeds, [outputName]))[outputName] as ort.Tensor;
    } catch (error) {
      throw new UserError(
        'reward-model-failed',
        `the ${label} model failed on a batch of ${padded} images: ${errorText(error).split('\n')[0]}`,
        'check the declared input size, layout and batch against the model (`edgetune inspect`)',
      );
    }
    if (output.type !== 'float32') {
      throw new UserError('reward-model-io', `the ${label} model's output '${outputName}' is ${output.type}, not float32`, 'export the scoring head in float32');
    }
    if (output.dims[0] !== padded) {
      throw new UserError(
        'reward-model-io',
        `the ${label} model's output '${outputName}' is [${output.dims.join(', ')}] for a batch of ${padded}; the first axis must be the batch`,
        'export the model with the batch as the first axis of its output',
      );
    }
    const values = output.data as Float32Array;
    const perImage = values.length / padded;
    for (let i = 0; i < batch.length; i++) rows.push(values.slice(i * perImage, (i + 1) * perImage));
  }
  return rows;
}

export function checkBatchSize(value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`batchSize must be a positive integer, got ${value}`);
  return value;
}
