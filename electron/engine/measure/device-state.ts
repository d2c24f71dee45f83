import type { Visit } from './visit.js';
import { median } from '../util/stats.js';

/** The GPU's clock and thermal state at one moment, read before or after a sweep visit. */
export interface DeviceSample {
  smClockMHz?: number;
  memoryClockMHz?: number;
  temperatureC?: number;
  powerW?: number;
  loadPct?: number;
  clockReasons?: string[];
  /** the GPU ran below its clocks for power, thermal or hardware reasons */
  throttled: boolean;
}

/** Anything that can read the device's state cheaply between visits (NVML, Jetson sysfs). */
export interface DeviceStateSampler {
  source: string;
  device: string;
  sample(): DeviceSample | undefined;
}

export function visitThrottled(visit: Visit): boolean {
  return Boolean(visit.device?.before?.throttled || visit.device?.after?.throttled);
}

interface Range {
  min: number;
  median: number;
  max: number;
}

export interface DeviceStateSummary {
  source: string;
  device: string;
  samples: number;
  smClockMHz?: Range;
  memoryClockMHz?: Range;
  temperatureC?: Range;
  powerW?: Range;
  throttledVisits: number;
  /** how many samples showed each clock-event reason */
  clockReasons: Record<string, number>;
}

function range(values: number[]): Range | undefined {
  if (values.length === 0) return undefined;
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** Clock, temperature and power over the whole sweep, for profile.json. */
export function summarizeDeviceStates(sampler: Pick<DeviceStateSampler, 'source' | 'device'>, visits: readonly Visit[]): DeviceStateSummary {
  const samples = visits.flatMap((visit) => [visit.device?.before, visit.device?.after]).filter((sample): sample is DeviceSample => sample !== undefined);
  const values = (read: (sample: DeviceSample) => number | undefined) =>
    samples.map(read).filter((value): value is number => value !== undefined);
  const clockReasons: Record<string, number> = {};
  for (const reason of samples.flatMap((sample) => sample.clockReasons ?? [])) clockReasons[reason] = (clockReasons[reason] ?? 0) + 1;
  const summary: DeviceStateSummary = {
    source: sampler.source,
    device: sampler.device,
    samples: samples.length,
    smClockMHz: range(values((sample) => sample.smClockMHz)),
    memoryClockMHz: range(values((sample) => sample.memoryClockMHz)),
    temperatureC: range(values((sample) => sample.temperatureC)),
    powerW: range(values((sample) => sample.powerW)),
    throttledVisits: visits.filter(visitThrottled).length,
    clockReasons,
  };
  return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined)) as unknown as DeviceStateSummary;
}
