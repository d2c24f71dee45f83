import { expect } from 'vitest';
import { UserError } from '../../electron/engine/errors.js';

/** The UserError a synchronous action throws; fails the test if it throws nothing or something else. */
export function userErrorOf(action: () => unknown): UserError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}
