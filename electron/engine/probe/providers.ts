import ort from 'onnxruntime-node';
import { createGraphBuilder } from '../models/onnx/graph.js';
import { providerFix, providersForPlatform, type ExecutionProvider } from '../measure/execution-providers.js';
import { errorText } from '../errors.js';

export interface ProviderStatus {
  ep: ExecutionProvider;
  works: boolean;
  /** session creation plus one run of a tiny graph, milliseconds */
  checkMs: number;
  /** onnxruntime's own words when it does not work */
  error?: string;
  fix?: string;
  /** whether onnxruntime-node ships this provider's libraries in its npm package */
  bundled: boolean | null;
  /** what the provider's native code printed while failing, when it hints at the cause */
  nativeLog?: string[];
}

/** x[1, n, 4] · W[4, 4]: small enough to load anywhere, real enough to exercise a provider. */
function tinyGraph(): Uint8Array {
  const graph = createGraphBuilder('edgetune-provider-check');
  graph.input('x', 'float32', [1, 'tokens', 4]);
  graph.initializerFloat32('w', [4, 4], Float32Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0)));
  graph.node('MatMul', ['x', 'w'], ['y']);
  graph.output('y', 'float32', [1, 'tokens', 4]);
  return graph.toBytes();
}

export async function checkProvider(ep: ExecutionProvider, model: Uint8Array = tinyGraph()): Promise<ProviderStatus> {
  const bundled = ort.listSupportedBackends().find((backend) => backend.name === ep)?.bundled ?? null;
  const startedAt = performance.now();
  try {
    const session = await ort.InferenceSession.create(model, { executionProviders: [ep] });
    try {
      const input = new ort.Tensor('float32', Float32Array.from({ length: 12 }, (_, i) => i), [1, 3, 4]);
      const output = await session.run({ x: input });
      const values = output.y.data as Float32Array;
      if (values[0] !== 0 || values[5] !== 5) throw new Error(`the provider computed a wrong result (${Array.from(values.slice(0, 6)).join(', ')})`);
    } finally {
      await session.release();
    }
    return { ep, works: true, checkMs: performance.now() - startedAt, bundled };
  } catch (error) {
    return {
      ep,
      works: false,
      checkMs: performance.now() - startedAt,
      error: cleanProviderError(errorText(error)),
      fix: providerFix(ep),
      bundled,
    };
  }
}

/** Every provider that can exist on this platform, tried in `--ep auto` preference order. */
export async function checkProviders(platform: NodeJS.Platform = process.platform): Promise<ProviderStatus[]> {
  const model = tinyGraph();
  const statuses: ProviderStatus[] = [];
  for (const ep of providersForPlatform(platform)) statuses.push(await checkProvider(ep, model));
  return statuses;
}

export function onnxruntimeVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common ?? 'unknown';
}

/** onnxruntime prefixes messages with its source path and the failed check; users need the reason. */
export function cleanProviderError(text: string): string {
  const firstLine = text.split('\n')[0].trim();
  const afterCheck = /was false\. (.*)$/.exec(firstLine);
  return (afterCheck ? afterCheck[1] : firstLine.replace(/^\/\S+:\d+ /, '')).trim();
}
