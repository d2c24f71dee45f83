/**
 * A problem the user can fix: bad input, a missing file, a provider that does not work here.
 * `message` names the problem; `fix` says what to do about it. The CLI prints both, never a stack.
 */
export class UserError extends Error {
  readonly fix: string | undefined;
  readonly code: string;
  constructor(code: string, message: string, fix?: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.fix = fix;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** Raised when the user cancels long work; partial results have been kept by whoever raises it. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
