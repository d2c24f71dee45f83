/**
 * Builds an `EdgeTuneApi` from a transport that answers envelopes: the renderer's IPC client wraps
 * `window.edgetune`, its web client wraps fetch + WebSocket. Browser-safe, like the contract.
 */
import {
  API_FUNCTIONS,
  ApiCallError,
  type ApiEvent,
  type ApiFunction,
  type ApiRequest,
  type ApiResponse,
  type ApiResult,
  type EdgeTuneApi,
  type Unsubscribe,
} from './contract.js';

export interface ApiTransport {
  call<F extends ApiFunction>(name: F, request: ApiRequest<F>): Promise<ApiResult<ApiResponse<F>>>;
  onEvent(listener: (event: ApiEvent) => void): Unsubscribe;
}

export function createApiClient(transport: ApiTransport): EdgeTuneApi {
  const methods = Object.fromEntries(
    API_FUNCTIONS.map((name) => [
      name,
      async (request: ApiRequest<typeof name>) => {
        const result = await transport.call(name, request);
        if (!result.ok) throw new ApiCallError(result.error);
        return result.value;
      },
    ]),
  );
  return { ...methods, onEvent: (listener) => transport.onEvent(listener) } as EdgeTuneApi;
}
