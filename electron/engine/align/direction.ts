/** Which way a reward or fitness is better: larger ('max') or smaller ('min'). */
export type Direction = 'max' | 'min';

/** +1 when larger is better, −1 when smaller is better: multiplies a value into "larger is better". */
export function directionSign(direction: Direction): 1 | -1 {
  return direction === 'max' ? 1 : -1;
}
