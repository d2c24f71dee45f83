/**
 * Byte-pair encoding as CLIP applies it: a word's byte characters, the last one marked with
 * `</w>`, repeatedly merged at the lowest-ranked adjacent pair until no listed pair is left.
 */
export const endOfWord = '</w>';

/** Merge ranks keyed by "left right" (no BPE symbol contains a space: space is a byte character). */
export type MergeRanks = ReadonlyMap<string, number>;

export function mergeRanksFromLines(lines: readonly string[]): Map<string, number> {
  const ranks = new Map<string, number>();
  lines.forEach((line, rank) => {
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new RangeError(`merge ${rank + 1} is not two symbols separated by one space: '${line}'`);
    }
    // A pair listed twice keeps its later rank, as the reference's dict() does.
    ranks.set(`${parts[0]} ${parts[1]}`, rank);
  });
  return ranks;
}

/** The BPE symbols of one word, given as its byte characters. */
export function bytePairEncode(characters: readonly string[], ranks: MergeRanks): string[] {
  if (characters.length === 0) return [];
  let symbols = [...characters.slice(0, -1), characters[characters.length - 1] + endOfWord];
  while (symbols.length > 1) {
    let bestRank = Infinity;
    let bestPair = '';
    for (let i = 0; i < symbols.length - 1; i++) {
      const pair = `${symbols[i]} ${symbols[i + 1]}`;
      const rank = ranks.get(pair);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        bestPair = pair;
      }
    }
    if (bestRank === Infinity) break;
    const [left, right] = bestPair.split(' ');
    const merged: string[] = [];
    for (let i = 0; i < symbols.length; i++) {
      if (i < symbols.length - 1 && symbols[i] === left && symbols[i + 1] === right) {
        merged.push(left + right);
        i++;
      } else {
        merged.push(symbols[i]);
      }
    }
    symbols = merged;
  }
  return symbols;
}
