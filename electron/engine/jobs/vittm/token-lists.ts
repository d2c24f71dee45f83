import { UserError } from '../../errors.js';

/**
 * Token counts from a flag: comma-separated counts and ranges, `A:B` (every count) or `A:B:S`
 * (every S-th count from A, B included when the stride lands on it), e.g. `16:64:8` or `49,100,196`.
 * Returns distinct counts, ascending.
 */
export function parseTokenList(text: string, flag: string): number[] {
  const counts = new Set<number>();
  const example = `--${flag} 16:64:8 or --${flag} 49,100,196`;
  for (const item of text.split(',').map((part) => part.trim())) {
    const match = /^(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(item);
    if (!match) {
      throw new UserError('bad-token-list', `--${flag} ${text}: '${item}' is not a token count or a range`, `write counts and A:B or A:B:STEP ranges, e.g. ${example}`);
    }
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    const stride = match[3] === undefined ? 1 : Number(match[3]);
    if (from < 1 || to < from || stride < 1) {
      throw new UserError('bad-token-list', `--${flag} ${text}: '${item}' is empty or starts below 1`, `ranges go upwards from 1 with a step of at least 1, e.g. ${example}`);
    }
    for (let tokens = from; tokens <= to; tokens += stride) counts.add(tokens);
  }
  return [...counts].sort((a, b) => a - b);
}
