/**
 * What the addon returns, field for field (native/src/*.cc). Every fact is optional: one that could
 * not be read is named in `missing` with the reason.
 */
export type Missing = Record<string, string>;
export type RawUnavailable = { ok: false; reason: string };

export interface RawVulkanDevice {
  name?: string;
  vendorId?: number;
  deviceId?: number;
  deviceType?: number;
  apiVersion?: number;
  driverVersion?: number;
  driverId?: number;
  driverName?: string;
  driverInfo?: string;
  subgroupSize?: number;
  computeLimits?: {
    maxComputeSharedMemoryBytes: number;
    maxComputeWorkGroupInvocations: number;
    maxComputeWorkGroupSize: number[];
    maxComputeWorkGroupCount: number[];
    maxStorageBufferRangeBytes: number;
    timestampPeriodNs: number;
    timestampComputeAndGraphics: boolean;
  };
  memoryHeaps?: { sizeBytes: number; deviceLocal: boolean }[];
  nvidiaShaderCores?: { smCount: number; warpsPerSm: number };
  amdShaderCores?: {
    shaderEngineCount: number;
    shaderArraysPerEngine: number;
    computeUnitsPerShaderArray: number;
    simdPerComputeUnit: number;
    wavefrontsPerSimd: number;
    wavefrontSize: number;
    activeComputeUnitCount?: number;
  };
  missing?: Missing;
}

export type RawVulkanProbe =
  | { ok: true; library: string; instanceVersion: number; devices: RawVulkanDevice[]; reason?: string }
  | RawUnavailable;

export interface RawCudaDevice {
  index: number;
  name?: string;
  smCount?: number;
  smClockKHz?: number;
  memoryClockKHz?: number;
  memoryBusWidthBits?: number;
  l2CacheBytes?: number;
  maxThreadsPerSm?: number;
  maxSharedMemoryPerSmBytes?: number;
  maxRegistersPerSm?: number;
  maxBlocksPerSm?: number;
  warpSize?: number;
  integrated?: number;
  pciBusId?: number;
  computeCapability?: string;
  totalMemoryBytes?: number;
  missing?: Missing;
}

export type RawCudaProbe = { ok: true; library: string; driverVersion?: number; devices: RawCudaDevice[]; reason?: string } | RawUnavailable;

export type RawNvmlOpen = { ok: true; library: string; driverVersion?: string; deviceCount?: number; reason?: string } | RawUnavailable;

export interface RawNvmlDevice {
  index: number;
  name?: string;
  smClockMHz?: number;
  graphicsClockMHz?: number;
  memoryClockMHz?: number;
  maxSmClockMHz?: number;
  maxMemoryClockMHz?: number;
  temperatureC?: number;
  powerMw?: number;
  powerLimitMw?: number;
  performanceState?: number;
  utilizationGpuPct?: number;
  utilizationMemoryPct?: number;
  /** nvmlClocksEventReasons bit mask */
  clockReasons?: number;
  missing?: Missing;
}

export type RawNvmlSample = { ok: true; devices: RawNvmlDevice[] } | RawUnavailable;
