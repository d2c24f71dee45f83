import { apiFunctions, isApiFunction, type ApiError, type ApiFunction, type ApiParsedRequest } from './contract.js';
import { badRequest } from './errors.js';

export type Validated<F extends ApiFunction> = { ok: true; name: F; request: ApiParsedRequest<F> } | { ok: false; error: ApiError };

/** Checks a call against the contract: the function exists and the payload matches its request schema. */
export function validateCall(name: string, payload: unknown): Validated<ApiFunction> {
  if (!isApiFunction(name)) {
    return { ok: false, error: { code: 'unknown-function', message: `no API function named '${name}'`, fix: 'use one of the functions listed by getInfo' } };
  }
  const parsed = apiFunctions[name].request.safeParse(payload ?? {});
  if (!parsed.success) return { ok: false, error: badRequest(parsed.error.issues) };
  return { ok: true, name, request: parsed.data as ApiParsedRequest<ApiFunction> };
}
