/**
 * GPT-2/CLIP byte-level BPE works on strings of printable characters, one per byte: printable
 * Latin-1 bytes stand for themselves, the other 68 (controls, space, soft hyphen…) are moved to
 * U+0100 onwards, so that every vocabulary entry is visible text.
 */
let table: readonly string[] | undefined;

/** The character that stands for each byte value, indexed by byte. */
export function byteCharacters(): readonly string[] {
  if (table) return table;
  const out = new Array<string>(256);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    out[byte] = String.fromCodePoint(printable ? byte : 256 + shifted++);
  }
  table = out;
  return out;
}

/** Byte values in the order CLIP's vocabulary lists them: the printable ones first, then the moved ones. */
export function bytesInVocabularyOrder(): number[] {
  const printable: number[] = [];
  const moved: number[] = [];
  const characters = byteCharacters();
  for (let byte = 0; byte < 256; byte++) (characters[byte].codePointAt(0) === byte ? printable : moved).push(byte);
  return [...printable, ...moved];
}

const utf8 = new TextEncoder();

/** A word's UTF-8 bytes as byte characters. */
export function toByteCharacters(word: string): string[] {
  const characters = byteCharacters();
  return Array.from(utf8.encode(word), (byte) => characters[byte]);
}
