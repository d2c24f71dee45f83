import type { NativeFacts } from '../engine/probe/native/native-probe.js';

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** The native probe's findings as `edgetune probe` prints them. */
export function formatNativeFacts(native: NativeFacts): string[] {
  if (!native.available) return [`native probe unavailable: ${native.reason}`];
  const lines = ['Native probe (GPU libraries opened at run time):'];
  const { vulkan, cuda, nvml, jetson } = native;
  if (!vulkan.available) lines.push(`  Vulkan   ${vulkan.reason}`);
  else if (vulkan.devices.length === 0) lines.push(`  Vulkan   ${vulkan.instanceVersion} loader, no devices${vulkan.note ? ` (${vulkan.note})` : ''}`);
  for (const device of vulkan.available ? vulkan.devices : []) {
    const cores = device.smCount ? `, ${device.smCount} SMs × ${device.warpsPerSm} warps` : device.computeUnits ? `, ${device.computeUnits} CUs` : '';
    lines.push(
      `  Vulkan   ${device.name} (${device.vendor}, ${device.type}), API ${device.apiVersion}, driver ${device.driverInfo || device.driverVersion}` +
        `${device.subgroupSize ? `, subgroup ${device.subgroupSize}` : ''}${cores}, ${gib(device.deviceLocalBytes)} device-local`,
    );
  }
  if (!cuda.available) lines.push(`  CUDA     ${cuda.reason}`);
  const cudaDriver = cuda.available && cuda.driverVersion ? ` (driver API ${cuda.driverVersion})` : '';
  for (const device of cuda.available ? cuda.devices : []) {
    lines.push(
      `  CUDA     ${device.name}: sm_${device.computeCapability?.replace('.', '')}, ${device.smCount} SMs at ${device.smClockMHz} MHz, ` +
        `L2 ${device.l2CacheBytes === undefined ? '?' : `${(device.l2CacheBytes / 2 ** 20).toFixed(0)} MiB`}, ${device.memoryBusWidthBits}-bit bus, ` +
        `${device.totalMemoryBytes === undefined ? '?' : gib(device.totalMemoryBytes)}${cudaDriver}`,
    );
  }
  if (!nvml.available) lines.push(`  NVML     ${nvml.reason}`);
  for (const sample of nvml.available ? nvml.devices : []) {
    lines.push(
      `  NVML     ${sample.name ?? `GPU ${sample.index}`}: SM ${sample.smClockMHz ?? '?'}/${sample.maxSmClockMHz ?? '?'} MHz, ` +
        `${sample.temperatureC ?? '?'} °C, ${sample.powerW?.toFixed(0) ?? '?'}/${sample.powerLimitW?.toFixed(0) ?? '?'} W` +
        `${sample.throttled ? `, THROTTLED (${sample.clockReasons?.join(', ')})` : ''}`,
    );
  }
  if (jetson.available) {
    lines.push(`  Jetson   ${jetson.devfreq}: ${jetson.frequencyMHz.toFixed(0)}/${jetson.maxFrequencyMHz?.toFixed(0) ?? '?'} MHz, load ${jetson.loadPct ?? '?'} %`);
  }
  lines.push(
    native.parallelUnits
      ? `  Step prediction uses ${native.parallelUnits.count} ${native.parallelUnits.kind === 'sm' ? 'SMs' : 'compute units'} of ${native.parallelUnits.device} (${native.parallelUnits.source})`
      : `  Step prediction unavailable: ${native.parallelUnitsReason}`,
  );
  return lines;
}
