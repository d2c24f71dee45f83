import { onnxruntimeVersion, type ProviderStatus } from './providers.js';
import { probeSystem, type SystemFacts } from './system.js';
import { runEngineChild, siblingModule } from './child-process.js';
import { providersForPlatform } from '../measure/execution-providers.js';
import { probeNative, type NativeFacts } from './native/native-probe.js';
import { probeBackends, type BackendStatuses } from './backends.js';

export const PROBE_SCHEMA = 'edgetune/probe@1';

export interface ProbeResult {
  schema: typeof PROBE_SCHEMA;
  createdAt: string;
  system: SystemFacts;
  onnxruntime: { version: string; providers: ProviderStatus[] };
  /** what the native addon read from Vulkan, CUDA, NVML and Jetson sysfs (absent in probes saved before it existed) */
  native?: NativeFacts;
  /** the provider `--ep auto` picks: the first that works in preference order */
  bestProvider: ProviderStatus['ep'];
  /** the other runtimes a sweep can time with (`--backend torch|trt`); absent in probes saved before they existed */
  backends?: BackendStatuses;
}

/** `python` and `trtexec` name the interpreter and tool the other runtimes would use (--python, --trtexec). */
export async function probe(options: { python?: string; trtexec?: string } = {}): Promise<ProbeResult> {
  const [system, providers, native, backends] = await Promise.all([probeSystem(), probeProviders(), probeNative(), probeBackends(options)]);
  return {
    schema: PROBE_SCHEMA,
    createdAt: new Date().toISOString(),
    system,
    onnxruntime: { version: onnxruntimeVersion(), providers },
    native,
    bestProvider: bestProvider(providers),
    backends,
  };
}

export function bestProvider(providers: readonly ProviderStatus[]): ProviderStatus['ep'] {
  return providers.find((status) => status.works)?.ep ?? 'cpu';
}

/** Provider checks run in a child process; what native code printed there is kept as a hint. */
export async function probeProviders(): Promise<ProviderStatus[]> {
  const output = await runEngineChild(siblingModule(import.meta.url, 'provider-check-child'));
  const nativeLog = output.stderr
    .split('\n')
    .map((line) => line.replace(/\x1b\[[0-9;]*m/g, '').trim())
    .filter((line) => line.length > 0 && !line.startsWith('at '));
  if (output.code !== 0) {
    const reason = `the provider check process failed (${output.signal ?? `exit code ${output.code}`}): ${nativeLog.slice(-3).join(' | ') || 'no output'}`;
    return providersForPlatform(process.platform).map((ep) => ({ ep, works: false, checkMs: 0, error: reason, bundled: null }));
  }
  const statuses = JSON.parse(output.stdout) as ProviderStatus[];
  return statuses.map((status) => {
    const hints = nativeLog.filter((line) => line.toLowerCase().includes(status.ep === 'webgpu' ? 'vulkan' : status.ep));
    return hints.length > 0 && !status.works ? { ...status, nativeLog: hints.slice(0, 3) } : status;
  });
}
