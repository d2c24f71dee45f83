import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError, ApiResult } from '../api/contract.js';
import type { EngineHost } from '../api/host/engine-host.js';

/** Room for the largest request the contract allows (a 1 MB accuracy CSV), and no more. */
const MAX_BODY_BYTES = 2 * 2 ** 20;

/** `POST /api/<function>`: JSON body in, `ApiResult` envelope out, with a status that matches. */
export async function handleApiCall(name: string, request: IncomingMessage, response: ServerResponse, engine: EngineHost): Promise<void> {
  if (request.method !== 'POST') {
    response.setHeader('Allow', 'POST');
    return sendResult(response, 405, { ok: false, error: { code: 'method-not-allowed', message: `${request.method} /api/${name}: API functions are called with POST`, fix: 'POST the request as a JSON body' } });
  }
  let payload: unknown;
  try {
    const body = await readBody(request);
    payload = body.trim() === '' ? {} : JSON.parse(body);
  } catch (error) {
    const tooLarge = (error as Error).message === 'too-large';
    return sendResult(response, tooLarge ? 413 : 400, {
      ok: false,
      error: tooLarge
        ? { code: 'request-too-large', message: `the request body is larger than ${MAX_BODY_BYTES / 2 ** 20} MiB`, fix: 'send a smaller request' }
        : { code: 'bad-json', message: `the request body is not JSON: ${(error as Error).message}`, fix: 'send the request as a JSON object' },
    });
  }
  const result = await engine.call(name, payload);
  sendResult(response, result.ok ? 200 : statusOf(result.error), result);
}

export function sendResult(response: ServerResponse, status: number, result: ApiResult<unknown>): void {
  const body = JSON.stringify(result);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

const statusByCode: Record<string, number> = {
  'bad-request': 400,
  unauthorized: 401,
  'unknown-function': 404,
  'run-not-found': 404,
  'file-not-found': 404,
  'job-not-found': 404,
  'profile-not-found': 404,
  'run-busy': 409,
  'file-too-large': 413,
  internal: 500,
};

/** Other engine errors are the user's to fix with a valid request: 422. */
function statusOf(error: ApiError): number {
  return statusByCode[error.code] ?? 422;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BODY_BYTES) {
        request.destroy();
        reject(new Error('too-large'));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
