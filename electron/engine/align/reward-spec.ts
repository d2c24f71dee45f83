/**
 * The reward spec: what `--reward` takes, one short string.
 *
 *   spec        = part { "," part }            exactly one objective part; any number of constraints
 *   part        = objective | constraint
 *   objective   = term { "+" term }
 *   term        = [ weight "*" ] name [ ":" ( "max" | "min" ) ]     the reward, maximised or minimised
 *               | [ weight "*" ] name "=" number                     pulled toward a target: −|value − target|
 *   constraint  = name "in" "[" number "," number "]"              the reward's raw value within bounds
 *               | name "<=" number
 *               | name ">=" number
 *   weight      = a positive number
 *   name        = a built-in (jpeg-size, brightness, contrast, saturation, colourfulness/colorfulness)
 *                 or a model reward the run registered (e.g. clip, aesthetic)
 *   number      = decimal, optionally signed, optionally with an exponent: 0.7, -1, .5, 4e4
 * Spaces are allowed between tokens.
 *
 * Meaning (rewards/combine.ts has the details):
 *   - a name alone takes the reward's own direction (jpeg-size: min, the others: max);
 *   - one unweighted term keeps its units and direction; a sum, or a weighted term, is maximised,
 *     with minimised terms entering negated. There is no subtraction: write `w*name:min`;
 *   - constraints rank every candidate that meets them above every one that does not; among those
 *     that do not, the one closest to its bounds ranks first.
 *
 * Examples:
 *   jpeg-size                                the paper's JPEG objective: smaller files (compressibility)
 *   jpeg-size:max                            larger files (incompressibility)
 *   brightness=0.7                           mean luma as close to 0.7 as possible
 *   0.5*saturation+0.5*colourfulness         both, equally weighted (mind their scales: 0–1 and 0–110)
 *   jpeg-size:min,brightness in [0.3,0.6]    compressible, but not by going black or white
 *   clip+0.001*jpeg-size:min                 prompt fidelity first, a little compressibility
 */
import { UserError } from '../errors.js';
import type { Direction } from './direction.js';
import { builtinMeasures, findBuiltinMeasure, measureReward } from './rewards/builtin.js';
import { compositeReward, type Constraint, type ObjectiveTerm } from './rewards/combine.js';
import type { Reward } from './rewards/types.js';

export type TermSpec =
  | { readonly kind: 'directed'; readonly name: string; readonly weight: number | null; readonly direction: Direction | null }
  | { readonly kind: 'target'; readonly name: string; readonly weight: number | null; readonly target: number };

export interface ConstraintSpec {
  readonly name: string;
  readonly min?: number;
  readonly max?: number;
}

export interface RewardSpec {
  readonly text: string;
  readonly terms: readonly TermSpec[];
  readonly constraints: readonly ConstraintSpec[];
}

const namePattern = /^[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z][A-Za-z0-9_]*)*/;
const numberPattern = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const punctuation = ['<=', '>=', '*', '+', ':', '=', '[', ']', ','] as const;

type Token =
  | { readonly kind: 'name'; readonly text: string }
  | { readonly kind: 'number'; readonly text: string; readonly value: number }
  | { readonly kind: 'punct'; readonly text: string };

const grammarHint =
  'write e.g. `jpeg-size`, `jpeg-size:max`, `brightness=0.7`, `0.5*saturation+0.5*colourfulness` or `jpeg-size:min,brightness in [0.3,0.6]`';

class SpecError extends Error {
  constructor(
    message: string,
    readonly fix: string = grammarHint,
  ) {
    super(message);
  }
}

function tokenize(part: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < part.length) {
    const rest = part.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    const number = numberPattern.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]) });
      at += number[0].length;
      continue;
    }
    const name = namePattern.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0] });
      at += name[0].length;
      continue;
    }
    const punct = punctuation.find((symbol) => rest.startsWith(symbol));
    if (punct) {
      tokens.push({ kind: 'punct', text: punct });
      at += punct.length;
      continue;
    }
    if (rest[0] === '<' || rest[0] === '>') throw new SpecError(`'${rest[0]}' is not a comparison here`, 'bounds are inclusive: use <= or >=');
    if (rest[0] === '-') {
      throw new SpecError("'-' cannot subtract a term", 'minimise the term instead, e.g. `clip+0.5*jpeg-size:min`');
    }
    throw new SpecError(`unexpected character '${rest[0]}'`);
  }
  return tokens;
}

/** Splits at commas outside brackets, so `[0.3,0.6]` stays whole. */
function splitParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']') depth = Math.max(0, depth - 1);
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}

class Cursor {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }
  done(): boolean {
    return this.at >= this.tokens.length;
  }
  next(): Token | undefined {
    return this.tokens[this.at++];
  }
  accept(text: string): boolean {
    const token = this.peek();
    if (token?.kind === 'punct' && token.text === text) {
      this.at++;
      return true;
    }
    return false;
  }
  expect(text: string, what: string): void {
    if (!this.accept(text)) throw new SpecError(`expected ${what} ${describeFound(this.peek())}`);
  }
  number(what: string): number {
    const token = this.next();
    if (token?.kind !== 'number') throw new SpecError(`expected ${what} ${describeFound(token)}`);
    return token.value;
  }
  name(what: string): string {
    const token = this.next();
    if (token?.kind !== 'name') throw new SpecError(`expected ${what} ${describeFound(token)}`);
    return token.text;
  }
}

function describeFound(token: Token | undefined): string {
  return token === undefined ? 'but the part ended' : `but found '${token.text}'`;
}

function isConstraint(cursor: Cursor): boolean {
  const second = cursor.peek(1);
  return (
    cursor.peek()?.kind === 'name' &&
    second !== undefined &&
    ((second.kind === 'name' && second.text === 'in') || (second.kind === 'punct' && (second.text === '<=' || second.text === '>=')))
  );
}

function parseConstraint(cursor: Cursor): ConstraintSpec {
  const name = cursor.name('a reward name');
  if (cursor.accept('<=')) return { name, max: cursor.number('a bound after <=') };
  if (cursor.accept('>=')) return { name, min: cursor.number('a bound after >=') };
  cursor.next(); // 'in'
  cursor.expect('[', "'[' after 'in'");
  const min = cursor.number('a lower bound');
  cursor.expect(',', "',' between the bounds");
  const max = cursor.number('an upper bound');
  cursor.expect(']', "']' after the bounds");
  if (!(min < max)) throw new SpecError(`the interval [${min},${max}] is empty or reversed`, `write the lower bound first, e.g. ${name} in [${Math.min(min, max)},${Math.max(min, max)}]`);
  return { name, min, max };
}

function parseTerm(cursor: Cursor): TermSpec {
  let weight: number | null = null;
  if (cursor.peek()?.kind === 'number') {
    weight = cursor.number('a weight');
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new SpecError(`weight ${weight} is not positive`, 'weights are positive; to favour smaller values write `w*name:min`');
    }
    cursor.expect('*', "'*' between the weight and the reward name");
  }
  const name = cursor.name('a reward name');
  if (cursor.accept(':')) {
    const word = cursor.next();
    if (word?.kind !== 'name' || (word.text !== 'max' && word.text !== 'min')) {
      throw new SpecError(`':' must be followed by max or min ${describeFound(word)}`, `write ${name}:max or ${name}:min`);
    }
    return { kind: 'directed', name, weight, direction: word.text };
  }
  if (cursor.accept('=')) {
    const target = cursor.number(`a target value after '${name}='`);
    if (!Number.isFinite(target)) throw new SpecError(`target ${target} is not finite`);
    return { kind: 'target', name, weight, target };
  }
  return { kind: 'directed', name, weight, direction: null };
}

function parseObjective(cursor: Cursor): TermSpec[] {
  const terms = [parseTerm(cursor)];
  while (cursor.accept('+')) terms.push(parseTerm(cursor));
  return terms;
}

function specError(text: string, part: string | null, error: SpecError): UserError {
  const where = part === null ? '' : ` in '${part}'`;
  return new UserError('reward-spec', `reward spec '${text}'${where}: ${error.message}`, error.fix);
}

/** Parses the grammar above; names are checked when the spec is built. */
export function parseRewardSpec(text: string): RewardSpec {
  if (text.trim() === '') throw specError(text, null, new SpecError('is empty'));
  const terms: TermSpec[] = [];
  const constraints: ConstraintSpec[] = [];
  let objectivePart: string | null = null;
  for (const part of splitParts(text)) {
    try {
      if (part === '') throw new SpecError('a part between commas is empty', 'remove the extra comma');
      const cursor = new Cursor(tokenize(part));
      if (isConstraint(cursor)) {
        constraints.push(parseConstraint(cursor));
      } else {
        if (objectivePart !== null) {
          throw new SpecError(
            `a second objective after '${objectivePart}'`,
            `join objectives with '+' (e.g. ${objectivePart}+${part}); parts after a comma are constraints such as \`brightness in [0.3,0.6]\``,
          );
        }
        terms.push(...parseObjective(cursor));
        objectivePart = part;
      }
      if (!cursor.done()) {
        const extra = cursor.peek() as Token;
        const hint = extra.kind === 'number' && extra.text.startsWith('-') ? 'there is no subtraction: minimise the term instead, e.g. `0.5*jpeg-size:min`' : grammarHint;
        throw new SpecError(`unexpected '${extra.text}'`, hint);
      }
    } catch (error) {
      if (error instanceof SpecError) throw specError(text, part, error);
      throw error;
    }
  }
  if (terms.length === 0) {
    throw specError(text, null, new SpecError('has constraints but nothing to optimise', `add an objective first, e.g. jpeg-size:min,${text}`));
  }
  return { text, terms, constraints };
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

export const builtinRewardNames: readonly string[] = builtinMeasures.map((measure) => measure.name);

/**
 * Builds a reward from a parsed spec. `models` are rewards the run created (ONNX scorers, CLIP) that
 * the spec may name; built-in names cannot be reused.
 */
export function buildReward(spec: RewardSpec, models: readonly Reward[] = []): Reward {
  for (const model of models) {
    if (findBuiltinMeasure(model.name) !== undefined) throw new Error(`model reward '${model.name}' shadows a built-in reward`);
    if (namePattern.exec(model.name)?.[0] !== model.name) throw new Error(`model reward name '${model.name}' cannot be written in a reward spec`);
  }
  const sources = new Map<string, Reward>();
  const source = (name: string): Reward => {
    const builtin = findBuiltinMeasure(name);
    const key = builtin?.name ?? name;
    const known = sources.get(key) ?? (builtin !== undefined ? measureReward(builtin) : models.find((model) => model.name === name));
    if (known === undefined) {
      const names = [...builtinRewardNames, ...models.map((model) => model.name)];
      const near = names.find((candidate) => editDistance(candidate, name.toLowerCase()) <= 2);
      throw new UserError(
        'reward-spec',
        `reward spec '${spec.text}': unknown reward '${name}'${near === undefined ? '' : ` (did you mean '${near}'?)`}`,
        `use one of: ${names.join(', ')}${models.length === 0 ? '; model rewards such as clip need their model options' : ''}`,
      );
    }
    sources.set(key, known);
    return known;
  };
  const terms: ObjectiveTerm[] = spec.terms.map((term) => {
    const reward = source(term.name);
    const weight = term.weight ?? 1;
    return term.kind === 'target'
      ? { kind: 'target', reward, target: term.target, weight }
      : { kind: 'directed', reward, direction: term.direction ?? reward.direction, weight };
  });
  const constraints: Constraint[] = spec.constraints.map((constraint) => ({ ...constraint, reward: source(constraint.name) }));
  return compositeReward({ terms, constraints });
}

export function rewardFromSpec(text: string, models: readonly Reward[] = []): Reward {
  return buildReward(parseRewardSpec(text), models);
}
