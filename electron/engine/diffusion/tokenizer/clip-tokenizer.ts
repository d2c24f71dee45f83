import { bytePairEncode, mergeRanksFromLines, type MergeRanks } from './bpe.js';
import { toByteCharacters } from './byte-unicode.js';
import { endOfText, normalizeText, splitWords, startOfText } from './pre-tokenize.js';

/** CLIP's text context: 77 positions, BOS and EOS included. */
export const clipContextLength = 77;
/**
 * CLIP's merges.txt lists 48,894 merges after its version line (49,408 tokens = 2·256 byte
 * tokens + merges + 2 specials); the reference tokenizers read no further, and neither do we.
 */
export const clipMaxMerges = 49152 - 256 - 2;

export interface ClipTokenizerSources {
  /** vocab.json: token → id */
  readonly vocab: Readonly<Record<string, number>>;
  /** merges.txt lines in rank order (a leading "#version" line is skipped) or the whole file */
  readonly merges: readonly string[] | string;
  readonly contextLength?: number;
  /** Stable Diffusion 1.x pads with <|endoftext|>; SD 2.x's tokenizer pads with "!" */
  readonly padToken?: string;
}

export interface ClipTokenizer {
  readonly contextLength: number;
  readonly startId: number;
  readonly endId: number;
  readonly padId: number;
  /** the token ids of `text`, without BOS/EOS, unbounded */
  tokenize(text: string): number[];
  /** exactly `contextLength` ids: BOS, the text's ids (truncated to fit), EOS, padding */
  encode(text: string): number[];
}

export function createClipTokenizer(sources: ClipTokenizerSources): ClipTokenizer {
  const contextLength = sources.contextLength ?? clipContextLength;
  if (!Number.isInteger(contextLength) || contextLength < 2) {
    throw new RangeError(`contextLength must be an integer ≥ 2 (room for BOS and EOS), got ${contextLength}`);
  }
  const vocab = new Map(Object.entries(sources.vocab));
  const idOf = (token: string, role: string): number => {
    const id = vocab.get(token);
    if (id === undefined) throw new RangeError(`the vocabulary has no ${role} token '${token}'`);
    return id;
  };
  const startId = idOf(startOfText, 'start-of-text');
  const endId = idOf(endOfText, 'end-of-text');
  const padId = idOf(sources.padToken ?? endOfText, 'padding');
  const ranks = mergeRanksFromLines(mergeLines(sources.merges));
  const cache = new Map<string, number[]>([
    [startOfText, [startId]],
    [endOfText, [endId]],
  ]);

  const wordIds = (word: string): number[] => {
    const cached = cache.get(word);
    if (cached) return cached;
    // Symbols missing from the vocabulary become <|endoftext|>, Hugging Face's unk_token for CLIP.
    const ids = bytePairEncode(toByteCharacters(word), ranks as MergeRanks).map((symbol) => vocab.get(symbol) ?? endId);
    cache.set(word, ids);
    return ids;
  };

  const tokenize = (text: string): number[] => splitWords(normalizeText(text)).flatMap(wordIds);

  return {
    contextLength,
    startId,
    endId,
    padId,
    tokenize,
    encode(text) {
      const body = tokenize(text).slice(0, contextLength - 2);
      const ids = [startId, ...body, endId];
      while (ids.length < contextLength) ids.push(padId);
      return ids;
    },
  };
}

function mergeLines(merges: readonly string[] | string): string[] {
  const lines = typeof merges === 'string' ? merges.split(/\r?\n/) : [...merges];
  const start = lines.length > 0 && lines[0].startsWith('#version') ? 1 : 0;
  return lines
    .slice(start)
    .filter((line) => line.trim() !== '')
    .slice(0, clipMaxMerges);
}
