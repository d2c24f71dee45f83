import { loadNativeAddon } from './addon.js';
import { readJetsonGpu, findJetsonGpu } from './jetson.js';
import { libraryOverrides } from './library-overrides.js';
import { decodeGpuState } from './native-probe.js';
import type { DeviceStateSampler } from '../../measure/device-state.js';

export interface DeviceMonitor extends DeviceStateSampler {
  source: 'nvml' | 'jetson-sysfs';
}

export type MonitorOpening = { monitor: DeviceMonitor; reason?: undefined } | { monitor?: undefined; reason: string };

/**
 * NVML on NVIDIA desktop and server GPUs; devfreq on Jetson boards, which have no NVML. Opened in
 * this process: reading a clock is a few microseconds, cheap enough around every visit.
 */
export function openDeviceMonitor(options: { deviceIndex?: number; sysfsRoot?: string; nvmlLibrary?: string } = {}): MonitorOpening {
  const nvml = openNvmlMonitor(options.deviceIndex ?? 0, options.nvmlLibrary ?? libraryOverrides().nvml);
  if (nvml.monitor) return nvml;
  const jetson = openJetsonMonitor(options.sysfsRoot ?? '/');
  if (jetson.monitor) return jetson;
  return { reason: `no clock or thermal readings: ${nvml.reason}; ${jetson.reason}` };
}

function openNvmlMonitor(deviceIndex: number, library: string | undefined): MonitorOpening {
  const loaded = loadNativeAddon();
  if (!loaded.ok) return { reason: `native probe unavailable: ${loaded.reason}` };
  const opened = loaded.addon.nvmlOpen(library);
  if (!opened.ok) return { reason: opened.reason };
  const first = loaded.addon.nvmlSample();
  if (!first.ok || first.devices.length <= deviceIndex) return { reason: `NVML lists no GPU ${deviceIndex}` };
  const { addon } = loaded;
  return {
    monitor: {
      source: 'nvml',
      device: first.devices[deviceIndex].name ?? `GPU ${deviceIndex}`,
      sample() {
        const sampled = addon.nvmlSample();
        if (!sampled.ok || !sampled.devices[deviceIndex]) return undefined;
        const state = decodeGpuState(sampled.devices[deviceIndex]);
        return {
          smClockMHz: state.smClockMHz,
          memoryClockMHz: state.memoryClockMHz,
          temperatureC: state.temperatureC,
          powerW: state.powerW,
          loadPct: state.utilizationGpuPct,
          clockReasons: state.clockReasons,
          throttled: state.throttled,
        };
      },
    },
  };
}

/**
 * devfreq gives no reasons, so a busy GPU held well below its top frequency counts as throttled:
 * the governor raises the clock under load unless power or temperature stop it.
 */
export function jetsonThrottled(frequencyMHz: number, maxFrequencyMHz: number | undefined, loadPct: number | undefined): boolean {
  if (maxFrequencyMHz === undefined || loadPct === undefined) return false;
  return loadPct >= 50 && frequencyMHz < 0.9 * maxFrequencyMHz;
}

function openJetsonMonitor(root: string): MonitorOpening {
  const folder = findJetsonGpu(root);
  if (!folder) return { reason: 'no Jetson GPU frequency in /sys/class/devfreq' };
  return {
    monitor: {
      source: 'jetson-sysfs',
      device: folder.split('/').pop() ?? 'Jetson GPU',
      sample() {
        const state = readJetsonGpu(root, folder);
        if (!state) return undefined;
        return {
          smClockMHz: state.frequencyMHz,
          temperatureC: state.temperatureC,
          loadPct: state.loadPct,
          throttled: jetsonThrottled(state.frequencyMHz, state.maxFrequencyMHz, state.loadPct),
        };
      },
    },
  };
}
