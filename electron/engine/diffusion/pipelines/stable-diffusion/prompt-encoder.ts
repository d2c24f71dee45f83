import { UserError } from '../../../errors.js';
import { requireType, type ModelSession } from '../../onnx/session.js';
import { floatOutput, indexTensor } from '../../onnx/tensors.js';
import type { ClipTokenizer } from '../../tokenizer/clip-tokenizer.js';

export interface PromptEmbedding {
  /** [tokens, width] values of one prompt's last hidden state, e.g. 77 × 768 */
  readonly values: Float32Array;
  readonly rowDims: readonly number[];
}

export interface PromptEncoder {
  embed(text: string): Promise<PromptEmbedding>;
  /** text-encoder runs so far */
  readonly runs: number;
}

/**
 * CLIP text embeddings, computed once per distinct text: an alignment run generates hundreds of
 * images for one prompt, and the text encoder is the same work every time.
 */
export function createPromptEncoder(textEncoder: ModelSession, tokenizer: ClipTokenizer, fix: string): PromptEncoder {
  const idsInfo = textEncoder.inputs.get('input_ids')!;
  const idsType = requireType(textEncoder.label, idsInfo, ['int32', 'int64'] as const);
  if (typeof idsInfo.shape[1] === 'number' && idsInfo.shape[1] !== tokenizer.contextLength) {
    throw new UserError(
      'model-unsupported',
      `${textEncoder.label} takes ${idsInfo.shape[1]} tokens but the tokenizer pads to ${tokenizer.contextLength}`,
      fix,
    );
  }
  const embeddings = new Map<string, Promise<PromptEmbedding>>();
  let runs = 0;
  const run = async (text: string): Promise<PromptEmbedding> => {
    const outputs = await textEncoder.run({ input_ids: indexTensor(idsType, tokenizer.encode(text), [1, tokenizer.contextLength]) });
    const { values, dims } = floatOutput(outputs, 'last_hidden_state', textEncoder.label);
    return { values: Float32Array.from(values), rowDims: dims.slice(1) };
  };
  return {
    get runs() {
      return runs;
    },
    embed(text) {
      let embedding = embeddings.get(text);
      if (!embedding) {
        runs++;
        embedding = run(text);
        // A failed run is retried next time rather than remembered.
        embedding.catch(() => embeddings.delete(text));
        embeddings.set(text, embedding);
      }
      return embedding;
    },
  };
}
