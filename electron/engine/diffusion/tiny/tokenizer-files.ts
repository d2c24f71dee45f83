import { bytePairEncode, endOfWord } from '../tokenizer/bpe.js';
import { byteCharacters, bytesInVocabularyOrder, toByteCharacters } from '../tokenizer/byte-unicode.js';
import { endOfText, startOfText } from '../tokenizer/pre-tokenize.js';

export interface ClipVocabulary {
  readonly vocab: Record<string, number>;
  /** merges.txt lines, rank order, without the version line */
  readonly merges: string[];
}

/**
 * A CLIP-style vocabulary laid out as CLIP's is (byte symbols, byte symbols ending a word, merged
 * symbols, BOS, EOS), whose merges spell each of `words` as one token and everything else as bytes.
 */
export function tinyClipVocabulary(words: readonly string[]): ClipVocabulary {
  const characters = byteCharacters();
  const byteSymbols = bytesInVocabularyOrder().map((byte) => characters[byte]);
  const symbols = [...byteSymbols, ...byteSymbols.map((symbol) => symbol + endOfWord)];
  const known = new Set(symbols);
  const merges: string[] = [];
  const ranks = new Map<string, number>();
  for (const word of words) {
    // Earlier words' merges may already split this word; join what is left, left to right. New
    // merges rank after all earlier ones, so they never change how an earlier word is spelled.
    const pieces = bytePairEncode(toByteCharacters(word), ranks);
    let left = pieces[0];
    for (const right of pieces.slice(1)) {
      const merged = left + right;
      const pair = `${left} ${right}`;
      if (!ranks.has(pair)) {
        ranks.set(pair, merges.length);
        merges.push(pair);
      }
      if (!known.has(merged)) {
        symbols.push(merged);
        known.add(merged);
      }
      left = merged;
    }
  }
  symbols.push(startOfText, endOfText);
  return { vocab: Object.fromEntries(symbols.map((symbol, id) => [symbol, id])), merges };
}
