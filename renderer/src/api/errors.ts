import { ApiCallError } from '../../../electron/api/contract';

export interface ErrorDescription {
  message: string;
  fix?: string;
  /** where a request broke its schema, one line each */
  details: string[];
}

/** What to show for anything thrown: the engine's message and fix when it sent them. */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof ApiCallError) {
    return { message: error.message, fix: error.fix, details: (error.issues ?? []).map((issue) => `${issue.path}: ${issue.message}`) };
  }
  if (error instanceof Error) return { message: error.message, details: [] };
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    const fix = 'fix' in error && typeof error.fix === 'string' ? error.fix : undefined;
    return { message: error.message, fix, details: [] };
  }
  return { message: String(error), details: [] };
}
