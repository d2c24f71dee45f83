import type { ApiEvent, ApiResult } from '../api/contract.js';

/** Main process → engine utility process. */
export type ToEngine = { type: 'call'; id: number; name: string; payload: unknown } | { type: 'shutdown' };

/** Engine utility process → main process. */
export type FromEngine =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: ApiResult<unknown> }
  | { type: 'event'; event: ApiEvent }
  | { type: 'stopped' };
