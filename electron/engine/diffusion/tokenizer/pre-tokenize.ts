/**
 * CLIP's text normalisation and word splitting, before BPE. Follows OpenAI's reference tokenizer
 * (basic_clean, whitespace_clean, lower-casing, then its regex), with one gap: ftfy's repair of
 * mis-decoded text ("mojibake") is not reproduced; Unicode NFC normalisation, which ftfy also does,
 * is.
 */

const namedEntities: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/** HTML character references: numeric ones and the few named ones prompts scraped from the web carry. */
function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (match, body: string) => {
    if (body[0] === '#') {
      const codePoint = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
    }
    return namedEntities[body.toLowerCase()] ?? match;
  });
}

/** What the reference does before splitting: unescape (twice, as it does), NFC, collapse whitespace, lower-case. */
export function normalizeText(text: string): string {
  const unescaped = unescapeHtml(unescapeHtml(text)).normalize('NFC').trim();
  return unescaped.replace(/\s+/gu, ' ').trim().toLowerCase();
}

export const startOfText = '<|startoftext|>';
export const endOfText = '<|endoftext|>';

/** CLIP's pre-tokenisation pattern: special tokens, English contractions, letter runs, single digits, symbol runs. */
const wordPattern = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/giu;

export function splitWords(normalized: string): string[] {
  return normalized.match(wordPattern) ?? [];
}
