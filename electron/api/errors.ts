/**
 * Every failure becomes an `ApiError` ({code, message, fix}) before it crosses a transport: the UI
 * shows what went wrong and what to do, never a stack.
 */
import type { z } from 'zod';
import { CancelledError, isUserError } from '../engine/errors.js';
import type { ApiError, ApiResult } from './contract.js';

export function badRequest(issues: z.core.$ZodIssue[]): ApiError {
  const listed = issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(request)', message: issue.message }));
  return {
    code: 'bad-request',
    message: `invalid request: ${listed.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    fix: 'send the fields the API contract lists for this function (electron/api/contract.ts)',
    issues: listed,
  };
}

export function toApiError(error: unknown): ApiError {
  if (isUserError(error)) return { code: error.code, message: error.message, ...(error.fix ? { fix: error.fix } : {}) };
  if (error instanceof CancelledError) return { code: 'cancelled', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `unexpected error: ${message}`, fix: 'this is a bug in EdgeTune; please report it with what you did' };
}

export function failure(error: ApiError): ApiResult<never> {
  return { ok: false, error };
}
