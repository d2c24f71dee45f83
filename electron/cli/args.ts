import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../engine/errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with EdgeTune's error wording: unknown flags name the command's help. */
export function parseCommandArgs<T extends OptionSpec>(command: string, argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } } as T & { help: { type: 'boolean'; short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/^Unknown option/, 'unknown option').split('. To specify')[0];
    throw new UserError('bad-arguments', `${command}: ${message}`, `see \`edgetune ${command} --help\``);
  }
}

export function integerOption(name: string, value: string | undefined, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new UserError('bad-arguments', `--${name} ${value} is not a whole number in ${min}..${max === Number.MAX_SAFE_INTEGER ? '∞' : max}`, `pass e.g. --${name} ${fallback}`);
  }
  return parsed;
}

export function numberOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new UserError('bad-arguments', `--${name} ${value} is not a number in [${min}, ${max}]`, `pass e.g. --${name} ${fallback}`);
  }
  return parsed;
}

export function stringOption(value: string | boolean | (string | boolean)[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
