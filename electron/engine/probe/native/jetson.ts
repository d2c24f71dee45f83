import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Jetson boards have no NVML; their GPU exposes frequency through devfreq and load through sysfs.
 * `root` lets tests point at a hand-made tree.
 */
export interface JetsonGpuState {
  devfreq: string;
  frequencyMHz: number;
  maxFrequencyMHz?: number;
  minFrequencyMHz?: number;
  /** 0–100 */
  loadPct?: number;
  temperatureC?: number;
}

// Device-tree names of the integrated GPUs of Tegra X1 (gm20b), X2 (gp10b), Xavier (gv11b) and Orin (ga10b).
const gpuDevfreqPattern = /gpu|gm20b|gp10b|gv11b|ga10b|gb10b|57000000|17000000/i;

function readNumber(file: string): number | undefined {
  try {
    const value = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function findJetsonGpu(root = '/'): string | undefined {
  const devfreqRoot = path.join(root, 'sys/class/devfreq');
  if (!existsSync(devfreqRoot)) return undefined;
  return readdirSync(devfreqRoot)
    .filter((name) => gpuDevfreqPattern.test(name))
    .map((name) => path.join(devfreqRoot, name))
    .find((folder) => existsSync(path.join(folder, 'cur_freq')));
}

function gpuTemperatureC(root: string): number | undefined {
  const zones = path.join(root, 'sys/devices/virtual/thermal');
  if (!existsSync(zones)) return undefined;
  for (const zone of readdirSync(zones).filter((name) => name.startsWith('thermal_zone'))) {
    const type = readText(path.join(zones, zone, 'type'));
    if (type && /^gpu[-_]?therm/i.test(type)) {
      const milli = readNumber(path.join(zones, zone, 'temp'));
      return milli === undefined ? undefined : milli / 1000;
    }
  }
  return undefined;
}

export function readJetsonGpu(root = '/', folder = findJetsonGpu(root)): JetsonGpuState | undefined {
  if (!folder) return undefined;
  const hz = readNumber(path.join(folder, 'cur_freq'));
  if (hz === undefined) return undefined;
  const toMHz = (value: number | undefined) => (value === undefined ? undefined : value / 1e6);
  // load is per mille, next to the GPU device the devfreq entry belongs to
  const perMille = readNumber(path.join(folder, 'device', 'load')) ?? readNumber(path.join(root, 'sys/devices/gpu.0/load'));
  return {
    devfreq: path.basename(folder),
    frequencyMHz: hz / 1e6,
    maxFrequencyMHz: toMHz(readNumber(path.join(folder, 'max_freq'))),
    minFrequencyMHz: toMHz(readNumber(path.join(folder, 'min_freq'))),
    loadPct: perMille === undefined ? undefined : perMille / 10,
    temperatureC: gpuTemperatureC(root),
  };
}
