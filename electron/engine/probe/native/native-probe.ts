import { runEngineChild, siblingModule } from '../child-process.js';
import { cudaVersionText, decodeClockReasons, driverVersionText, vendorName, vulkanDeviceType, vulkanVersionText, type VulkanDeviceType } from './decode.js';
import { readJetsonGpu, type JetsonGpuState } from './jetson.js';
import type { Missing, RawCudaDevice, RawCudaProbe, RawNvmlDevice, RawNvmlOpen, RawNvmlSample, RawVulkanDevice, RawVulkanProbe } from './raw-types.js';

/** What the child process reports (see native-probe-child.ts). */
export type RawNativeProbe =
  | { ok: false; reason: string }
  | { ok: true; addonPath: string; vulkan: RawVulkanProbe; cuda: RawCudaProbe; nvmlOpen: RawNvmlOpen; nvml: RawNvmlSample };

type Unavailable = { available: false; reason: string };

export interface VulkanDeviceFacts {
  name: string;
  vendor: string;
  vendorId: number | null;
  deviceId: number | null;
  type: VulkanDeviceType;
  apiVersion: string | null;
  driverVersion: string | null;
  driverName?: string;
  driverInfo?: string;
  subgroupSize?: number;
  computeLimits?: RawVulkanDevice['computeLimits'];
  memoryHeaps: { sizeBytes: number; deviceLocal: boolean }[];
  deviceLocalBytes: number;
  /** NVIDIA, through VK_NV_shader_sm_builtins */
  smCount?: number;
  warpsPerSm?: number;
  /** AMD, through VK_AMD_shader_core_properties(2) */
  computeUnits?: number;
  amdShaderCores?: RawVulkanDevice['amdShaderCores'];
  missing?: Missing;
}

export type VulkanFacts = Unavailable | { available: true; library: string; instanceVersion: string; devices: VulkanDeviceFacts[]; note?: string };

export interface CudaDeviceFacts {
  index: number;
  name: string;
  computeCapability?: string;
  smCount?: number;
  smClockMHz?: number;
  memoryClockMHz?: number;
  memoryBusWidthBits?: number;
  l2CacheBytes?: number;
  totalMemoryBytes?: number;
  maxThreadsPerSm?: number;
  maxBlocksPerSm?: number;
  maxSharedMemoryPerSmBytes?: number;
  maxRegistersPerSm?: number;
  warpSize?: number;
  integrated?: boolean;
  missing?: Missing;
}

export type CudaFacts = Unavailable | { available: true; library: string; driverVersion?: string; devices: CudaDeviceFacts[]; note?: string };

export interface GpuStateSample {
  index: number;
  name?: string;
  smClockMHz?: number;
  memoryClockMHz?: number;
  maxSmClockMHz?: number;
  maxMemoryClockMHz?: number;
  temperatureC?: number;
  powerW?: number;
  powerLimitW?: number;
  utilizationGpuPct?: number;
  performanceState?: number;
  clockReasons?: string[];
  /** a reason that slows running kernels (power cap, thermal or hardware slowdown) was active */
  throttled: boolean;
  missing?: Missing;
}

export type NvmlFacts = Unavailable | { available: true; library: string; driverVersion?: string; devices: GpuStateSample[] };
export type JetsonFacts = Unavailable | ({ available: true } & JetsonGpuState);

/** The GPU's count of independent execution units, which sets the size of a wave of thread blocks. */
export interface ParallelUnits {
  count: number;
  kind: 'sm' | 'cu';
  device: string;
  source: 'cuda' | 'vulkan';
}

export interface NativeFacts {
  available: boolean;
  /** why the addon could not run at all ("native probe unavailable: <reason>") */
  reason?: string;
  addonPath?: string;
  vulkan: VulkanFacts;
  cuda: CudaFacts;
  nvml: NvmlFacts;
  jetson: JetsonFacts;
  parallelUnits: ParallelUnits | null;
  parallelUnitsReason?: string;
}

export function decodeVulkanDevice(raw: RawVulkanDevice, platform: NodeJS.Platform = process.platform): VulkanDeviceFacts {
  const heaps = raw.memoryHeaps ?? [];
  const amd = raw.amdShaderCores;
  const amdUnits = amd ? (amd.activeComputeUnitCount ?? amd.shaderEngineCount * amd.shaderArraysPerEngine * amd.computeUnitsPerShaderArray) : undefined;
  return {
    name: raw.name ?? 'unnamed device',
    vendor: vendorName(raw.vendorId),
    vendorId: raw.vendorId ?? null,
    deviceId: raw.deviceId ?? null,
    type: vulkanDeviceType(raw.deviceType),
    apiVersion: raw.apiVersion === undefined ? null : vulkanVersionText(raw.apiVersion),
    driverVersion: raw.driverVersion === undefined ? null : driverVersionText(raw.vendorId, raw.driverVersion, platform),
    ...(raw.driverName !== undefined ? { driverName: raw.driverName, driverInfo: raw.driverInfo } : {}),
    ...(raw.subgroupSize !== undefined ? { subgroupSize: raw.subgroupSize } : {}),
    ...(raw.computeLimits ? { computeLimits: raw.computeLimits } : {}),
    memoryHeaps: heaps,
    deviceLocalBytes: heaps.filter((heap) => heap.deviceLocal).reduce((sum, heap) => sum + heap.sizeBytes, 0),
    ...(raw.nvidiaShaderCores ? { smCount: raw.nvidiaShaderCores.smCount, warpsPerSm: raw.nvidiaShaderCores.warpsPerSm } : {}),
    ...(amdUnits !== undefined ? { computeUnits: amdUnits, amdShaderCores: amd } : {}),
    ...(raw.missing ? { missing: raw.missing } : {}),
  };
}

export function decodeCudaDevice(raw: RawCudaDevice): CudaDeviceFacts {
  const mhz = (khz: number | undefined) => (khz === undefined ? undefined : khz / 1000);
  const facts: CudaDeviceFacts = {
    index: raw.index,
    name: raw.name ?? `CUDA device ${raw.index}`,
    computeCapability: raw.computeCapability,
    smCount: raw.smCount,
    smClockMHz: mhz(raw.smClockKHz),
    memoryClockMHz: mhz(raw.memoryClockKHz),
    memoryBusWidthBits: raw.memoryBusWidthBits,
    l2CacheBytes: raw.l2CacheBytes,
    totalMemoryBytes: raw.totalMemoryBytes,
    maxThreadsPerSm: raw.maxThreadsPerSm,
    maxBlocksPerSm: raw.maxBlocksPerSm,
    maxSharedMemoryPerSmBytes: raw.maxSharedMemoryPerSmBytes,
    maxRegistersPerSm: raw.maxRegistersPerSm,
    warpSize: raw.warpSize,
    integrated: raw.integrated === undefined ? undefined : raw.integrated !== 0,
    missing: raw.missing,
  };
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)) as unknown as CudaDeviceFacts;
}

export function decodeGpuState(raw: RawNvmlDevice): GpuStateSample {
  const watts = (mw: number | undefined) => (mw === undefined ? undefined : mw / 1000);
  const decoded = raw.clockReasons === undefined ? undefined : decodeClockReasons(raw.clockReasons);
  const sample: GpuStateSample = {
    index: raw.index,
    name: raw.name,
    smClockMHz: raw.smClockMHz,
    memoryClockMHz: raw.memoryClockMHz,
    maxSmClockMHz: raw.maxSmClockMHz,
    maxMemoryClockMHz: raw.maxMemoryClockMHz,
    temperatureC: raw.temperatureC,
    powerW: watts(raw.powerMw),
    powerLimitW: watts(raw.powerLimitMw),
    utilizationGpuPct: raw.utilizationGpuPct,
    performanceState: raw.performanceState,
    clockReasons: decoded?.reasons,
    throttled: decoded?.throttled ?? false,
    missing: raw.missing,
  };
  return Object.fromEntries(Object.entries(sample).filter(([, value]) => value !== undefined)) as unknown as GpuStateSample;
}

/**
 * The unit count for wave quantization: CUDA's SM count when the driver answers, else what Vulkan
 * extensions tell for NVIDIA (SMs) or AMD (compute units). The first discrete GPU wins.
 */
export function parallelUnitsOf(vulkan: VulkanFacts, cuda: CudaFacts): { units: ParallelUnits | null; reason?: string } {
  if (cuda.available) {
    const device = cuda.devices.find((candidate) => candidate.smCount !== undefined);
    if (device?.smCount) return { units: { count: device.smCount, kind: 'sm', device: device.name, source: 'cuda' } };
  }
  if (vulkan.available) {
    const ranked = [...vulkan.devices].sort((a, b) => Number(b.type === 'discrete-gpu') - Number(a.type === 'discrete-gpu'));
    for (const device of ranked) {
      if (device.smCount) return { units: { count: device.smCount, kind: 'sm', device: device.name, source: 'vulkan' } };
      if (device.computeUnits) return { units: { count: device.computeUnits, kind: 'cu', device: device.name, source: 'vulkan' } };
    }
  }
  const tried = [
    cuda.available ? 'CUDA reported no SM count' : `CUDA: ${cuda.reason}`,
    vulkan.available
      ? `Vulkan: no device offers VK_NV_shader_sm_builtins or VK_AMD_shader_core_properties (${vulkan.devices.map((d) => d.name).join(', ') || 'no devices'})`
      : `Vulkan: ${vulkan.reason}`,
  ];
  return { units: null, reason: `no SM or compute-unit count: ${tried.join('; ')}` };
}

function decodeVulkan(raw: RawVulkanProbe): VulkanFacts {
  if (!raw.ok) return { available: false, reason: raw.reason };
  return {
    available: true,
    library: raw.library,
    instanceVersion: vulkanVersionText(raw.instanceVersion),
    devices: raw.devices.map((device) => decodeVulkanDevice(device)),
    ...(raw.reason ? { note: raw.reason } : {}),
  };
}

function decodeCuda(raw: RawCudaProbe): CudaFacts {
  if (!raw.ok) return { available: false, reason: raw.reason };
  return {
    available: true,
    library: raw.library,
    ...(raw.driverVersion !== undefined ? { driverVersion: cudaVersionText(raw.driverVersion) } : {}),
    devices: raw.devices.map(decodeCudaDevice),
    ...(raw.reason ? { note: raw.reason } : {}),
  };
}

function decodeNvml(open: RawNvmlOpen, sample: RawNvmlSample): NvmlFacts {
  if (!open.ok) return { available: false, reason: open.reason };
  if (!sample.ok) return { available: false, reason: sample.reason };
  return { available: true, library: open.library, driverVersion: open.driverVersion, devices: sample.devices.map(decodeGpuState) };
}

export function jetsonFacts(root = '/'): JetsonFacts {
  const state = readJetsonGpu(root);
  return state ? { available: true, ...state } : { available: false, reason: 'no Jetson GPU frequency in /sys/class/devfreq (not a Jetson board)' };
}

export function decodeNativeProbe(raw: RawNativeProbe, jetson: JetsonFacts): NativeFacts {
  if (!raw.ok) {
    const unavailable: Unavailable = { available: false, reason: `native probe unavailable: ${raw.reason}` };
    return { available: false, reason: raw.reason, vulkan: unavailable, cuda: unavailable, nvml: unavailable, jetson, parallelUnits: null, parallelUnitsReason: unavailable.reason };
  }
  const vulkan = decodeVulkan(raw.vulkan);
  const cuda = decodeCuda(raw.cuda);
  const { units, reason } = parallelUnitsOf(vulkan, cuda);
  return {
    available: true,
    addonPath: raw.addonPath,
    vulkan,
    cuda,
    nvml: decodeNvml(raw.nvmlOpen, raw.nvml),
    jetson,
    parallelUnits: units,
    ...(reason ? { parallelUnitsReason: reason } : {}),
  };
}

/** Runs the addon in a child process and decodes what it found. Never throws. */
export async function probeNative(): Promise<NativeFacts> {
  let raw: RawNativeProbe;
  try {
    const output = await runEngineChild(siblingModule(import.meta.url, 'native-probe-child'), [], 30_000);
    raw = output.code === 0
      ? (JSON.parse(output.stdout) as RawNativeProbe)
      : { ok: false, reason: `the native probe process failed (${output.signal ?? `exit code ${output.code}`}): ${output.stderr.trim().split('\n').slice(-2).join(' | ') || 'no output'}` };
  } catch (error) {
    raw = { ok: false, reason: `the native probe process could not run: ${error instanceof Error ? error.message : String(error)}` };
  }
  return decodeNativeProbe(raw, jetsonFacts());
}
