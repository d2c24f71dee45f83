import type { NativeFacts } from '../../../../electron/engine/probe/native/native-probe';
import { formatBytes } from '../../components/format';

export interface FactDevice {
  name: string;
  facts: [label: string, value: string][];
  /** facts the driver did not offer, with the reason */
  missing: [fact: string, reason: string][];
}

export interface FactSource {
  title: string;
  available: boolean;
  /** the library it came from, or why it could not be read */
  detail: string;
  devices: FactDevice[];
}

type Row = [string, string | number | undefined | null];

function rows(entries: Row[]): [string, string][] {
  return entries.filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== null).map(([label, value]) => [label, String(value)]);
}

function missingOf(missing: Record<string, string> | undefined): [string, string][] {
  return Object.entries(missing ?? {});
}

const mhz = (value: number | undefined) => (value === undefined ? undefined : `${value.toFixed(0)} MHz`);
const bytes = (value: number | undefined) => (value === undefined ? undefined : formatBytes(value));

/**
 * The native probe's facts grouped by where they came from (Vulkan, CUDA driver, NVML, Jetson),
 * each source either with its devices or with the reason it could not be read.
 */
export function nativeFactSources(native: NativeFacts): FactSource[] {
  const { vulkan, cuda, nvml, jetson } = native;
  return [
    {
      title: 'Vulkan',
      available: vulkan.available,
      detail: vulkan.available ? `${vulkan.library}, instance ${vulkan.instanceVersion}${vulkan.note ? ` (${vulkan.note})` : ''}` : vulkan.reason,
      devices: vulkan.available
        ? vulkan.devices.map((device) => ({
            name: device.name,
            facts: rows([
              ['vendor', device.vendor],
              ['type', device.type],
              ['API', device.apiVersion],
              ['driver', [device.driverName, device.driverVersion, device.driverInfo].filter(Boolean).join(' ') || undefined],
              ['device memory', bytes(device.deviceLocalBytes)],
              ['subgroup size', device.subgroupSize],
              ['SMs', device.smCount],
              ['warps per SM', device.warpsPerSm],
              ['compute units', device.computeUnits],
              ['shared memory per workgroup', bytes(device.computeLimits?.maxComputeSharedMemoryBytes)],
              ['invocations per workgroup', device.computeLimits?.maxComputeWorkGroupInvocations],
            ]),
            missing: missingOf(device.missing),
          }))
        : [],
    },
    {
      title: 'CUDA driver',
      available: cuda.available,
      detail: cuda.available ? `${cuda.library}${cuda.driverVersion ? `, CUDA ${cuda.driverVersion}` : ''}${cuda.note ? ` (${cuda.note})` : ''}` : cuda.reason,
      devices: cuda.available
        ? cuda.devices.map((device) => ({
            name: device.name,
            facts: rows([
              ['compute capability', device.computeCapability],
              ['SMs', device.smCount],
              ['SM clock', mhz(device.smClockMHz)],
              ['memory clock', mhz(device.memoryClockMHz)],
              ['memory bus', device.memoryBusWidthBits === undefined ? undefined : `${device.memoryBusWidthBits} bits`],
              ['L2 cache', bytes(device.l2CacheBytes)],
              ['memory', bytes(device.totalMemoryBytes)],
              ['threads per SM', device.maxThreadsPerSm],
              ['blocks per SM', device.maxBlocksPerSm],
              ['shared memory per SM', bytes(device.maxSharedMemoryPerSmBytes)],
              ['registers per SM', device.maxRegistersPerSm],
              ['warp size', device.warpSize],
            ]),
            missing: missingOf(device.missing),
          }))
        : [],
    },
    {
      title: 'NVML (clocks, temperature, power)',
      available: nvml.available,
      detail: nvml.available ? `${nvml.library}${nvml.driverVersion ? `, driver ${nvml.driverVersion}` : ''}` : nvml.reason,
      devices: nvml.available
        ? nvml.devices.map((device) => ({
            name: device.name ?? `GPU ${device.index}`,
            facts: rows([
              ['SM clock', device.smClockMHz === undefined ? undefined : `${device.smClockMHz} of ${device.maxSmClockMHz ?? '?'} MHz`],
              ['memory clock', device.memoryClockMHz === undefined ? undefined : `${device.memoryClockMHz} of ${device.maxMemoryClockMHz ?? '?'} MHz`],
              ['temperature', device.temperatureC === undefined ? undefined : `${device.temperatureC} °C`],
              ['power', device.powerW === undefined ? undefined : `${device.powerW.toFixed(0)} of ${device.powerLimitW?.toFixed(0) ?? '?'} W`],
              ['utilization', device.utilizationGpuPct === undefined ? undefined : `${device.utilizationGpuPct} %`],
              ['performance state', device.performanceState === undefined ? undefined : `P${device.performanceState}`],
              ['throttled', device.throttled ? `yes (${(device.clockReasons ?? []).join(', ')})` : 'no'],
            ]),
            missing: missingOf(device.missing),
          }))
        : [],
    },
    {
      title: 'Jetson (sysfs)',
      available: jetson.available,
      detail: jetson.available ? jetson.devfreq : jetson.reason,
      devices: jetson.available
        ? [
            {
              name: 'integrated GPU',
              facts: rows([
                ['frequency', mhz(jetson.frequencyMHz)],
                ['range', jetson.minFrequencyMHz !== undefined && jetson.maxFrequencyMHz !== undefined ? `${jetson.minFrequencyMHz}–${jetson.maxFrequencyMHz} MHz` : undefined],
                ['load', jetson.loadPct === undefined ? undefined : `${jetson.loadPct} %`],
                ['temperature', jetson.temperatureC === undefined ? undefined : `${jetson.temperatureC} °C`],
              ]),
              missing: [],
            },
          ]
        : [],
    },
  ];
}

/** The one fact step prediction needs, or why it is missing. */
export function parallelUnitsSentence(native: NativeFacts): string {
  const units = native.parallelUnits;
  if (units) return `${units.count} ${units.kind === 'cu' ? 'compute units' : 'SMs'} on ${units.device} (from ${units.source}): sweeps predict where steps fall and measure densely there.`;
  return `No step prediction on this machine: ${native.parallelUnitsReason ?? 'no SM or compute-unit count'}.`;
}
