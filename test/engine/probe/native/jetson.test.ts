import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jetsonThrottled, openDeviceMonitor } from '../../../../electron/engine/probe/native/device-monitor.js';
import { findJetsonGpu, readJetsonGpu } from '../../../../electron/engine/probe/native/jetson.js';
import { jetsonFacts } from '../../../../electron/engine/probe/native/native-probe.js';

/** A sysfs tree laid out as an Orin's: devfreq entry of the ga10b GPU, its load, a GPU thermal zone. */
function fakeOrinSysfs(state: { hz: number; maxHz: number; perMille: number; milliC: number }): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'edgetune-sysfs-'));
  const write = (file: string, value: string | number) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), `${value}\n`);
  };
  const gpu = 'sys/class/devfreq/17000000.ga10b';
  write(`${gpu}/cur_freq`, state.hz);
  write(`${gpu}/max_freq`, state.maxHz);
  write(`${gpu}/min_freq`, 306_000_000);
  write(`${gpu}/device/load`, state.perMille);
  write('sys/class/devfreq/15480000.nvdec/cur_freq', 115_000_000);
  write('sys/devices/virtual/thermal/thermal_zone0/type', 'CPU-therm');
  write('sys/devices/virtual/thermal/thermal_zone0/temp', 45_000);
  write('sys/devices/virtual/thermal/thermal_zone1/type', 'GPU-therm');
  write('sys/devices/virtual/thermal/thermal_zone1/temp', state.milliC);
  return root;
}

describe('Jetson GPU state from sysfs (boards without NVML)', () => {
  it('finds the GPU devfreq entry and reads frequency, load and temperature', () => {
    const root = fakeOrinSysfs({ hz: 1_300_500_000, maxHz: 1_300_500_000, perMille: 873, milliC: 52_500 });
    expect(path.basename(findJetsonGpu(root) ?? '')).toBe('17000000.ga10b');
    expect(readJetsonGpu(root)).toEqual({
      devfreq: '17000000.ga10b',
      frequencyMHz: 1300.5,
      maxFrequencyMHz: 1300.5,
      minFrequencyMHz: 306,
      loadPct: 87.3,
      temperatureC: 52.5,
    });
    expect(jetsonFacts(root)).toMatchObject({ available: true, frequencyMHz: 1300.5 });
  });

  it('says plainly when the machine is not a Jetson', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'edgetune-sysfs-'));
    expect(readJetsonGpu(empty)).toBeUndefined();
    expect(jetsonFacts(empty)).toEqual({ available: false, reason: expect.stringContaining('not a Jetson board') });
  });

  it('counts a busy GPU held well below its top frequency as throttled', () => {
    expect(jetsonThrottled(1300, 1300, 95)).toBe(false);
    expect(jetsonThrottled(612, 1300, 95)).toBe(true);
    expect(jetsonThrottled(612, 1300, 10)).toBe(false);
    expect(jetsonThrottled(612, undefined, 95)).toBe(false);
  });

  it('monitors a Jetson through sysfs when NVML is absent', () => {
    const root = fakeOrinSysfs({ hz: 612_000_000, maxHz: 1_300_500_000, perMille: 990, milliC: 88_000 });
    const opening = openDeviceMonitor({ sysfsRoot: root, nvmlLibrary: '/nonexistent/libnvidia-ml.so.1' });
    expect(opening.reason).toBeUndefined();
    expect(opening.monitor?.source).toBe('jetson-sysfs');
    expect(opening.monitor?.sample()).toEqual({ smClockMHz: 612, temperatureC: 88, loadPct: 99, throttled: true });
    const nothing = openDeviceMonitor({ sysfsRoot: mkdtempSync(path.join(os.tmpdir(), 'edgetune-sysfs-')), nvmlLibrary: '/nonexistent/libnvidia-ml.so.1' });
    expect(nothing.monitor).toBeUndefined();
    expect(nothing.reason).toMatch(/no clock or thermal readings: .*libnvidia-ml.*; no Jetson GPU frequency/);
  });
});
