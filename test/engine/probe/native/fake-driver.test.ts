import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon, type NativeAddon } from '../../../../electron/engine/probe/native/addon.js';
import { openDeviceMonitor } from '../../../../electron/engine/probe/native/device-monitor.js';
import { decodeCudaDevice, decodeGpuState } from '../../../../electron/engine/probe/native/native-probe.js';
import { buildFakeGpuDrivers } from '../../../helpers/fake-gpu-driver.js';

let drivers: { cuda: string; nvml: string };
let addon: NativeAddon;

beforeAll(() => {
  drivers = buildFakeGpuDrivers();
  const loaded = loadNativeAddon();
  if (!loaded.ok) throw new Error(loaded.reason);
  addon = loaded.addon;
});

describe('CUDA and NVML paths against stand-in driver libraries (real dlopen, real calls)', () => {
  it('reads SM count, clocks, L2, bus width, compute capability and memory through the CUDA driver API', () => {
    const cuda = addon.probeCuda(drivers.cuda);
    expect(cuda.ok).toBe(true);
    if (!cuda.ok) return;
    expect(cuda.driverVersion).toBe(12040);
    expect(cuda.devices).toHaveLength(1);
    expect(decodeCudaDevice(cuda.devices[0])).toEqual({
      index: 0,
      name: 'NVIDIA H100 80GB HBM3',
      computeCapability: '9.0',
      smCount: 132,
      smClockMHz: 1980,
      memoryClockMHz: 2619,
      memoryBusWidthBits: 5120,
      l2CacheBytes: 52428800,
      totalMemoryBytes: 85029158912,
      maxThreadsPerSm: 2048,
      maxBlocksPerSm: 32,
      maxSharedMemoryPerSmBytes: 233472,
      maxRegistersPerSm: 65536,
      warpSize: 32,
      integrated: false,
    });
  });

  it('keeps going when one attribute fails, naming the field and the driver error', () => {
    process.env.FAKE_CUDA_FAIL_ATTRIBUTE = '38';
    try {
      const cuda = addon.probeCuda(drivers.cuda);
      expect(cuda.ok && cuda.devices[0].missing).toEqual({ l2CacheBytes: 'invalid argument (CUresult 1)' });
      expect(cuda.ok && cuda.devices[0].smCount).toBe(132);
    } finally {
      delete process.env.FAKE_CUDA_FAIL_ATTRIBUTE;
    }
  });

  it('reports a driver without a usable GPU by cuInit\'s own words', () => {
    process.env.FAKE_CUDA_NO_DEVICE = '1';
    try {
      expect(addon.probeCuda(drivers.cuda)).toEqual({ ok: false, reason: expect.stringMatching(/^cuInit failed: no CUDA-capable device is detected \(CUresult 100\)/) });
    } finally {
      delete process.env.FAKE_CUDA_NO_DEVICE;
    }
  });

  it('samples clocks, temperature, power and throttle reasons through NVML, and sees throttling start', () => {
    const stateFile = path.join(os.tmpdir(), `edgetune-fake-nvml-${process.pid}.txt`);
    writeFileSync(stateFile, '1980 55 0');
    process.env.FAKE_NVML_STATE_FILE = stateFile;
    try {
      const opened = openDeviceMonitor({ nvmlLibrary: drivers.nvml, sysfsRoot: '/nonexistent' });
      expect(opened.monitor?.source).toBe('nvml');
      expect(opened.monitor?.device).toBe('NVIDIA H100 80GB HBM3');
      expect(opened.monitor?.sample()).toEqual({ smClockMHz: 1980, memoryClockMHz: 2619, temperatureC: 55, powerW: 412.345, loadPct: 97, clockReasons: [], throttled: false });
      writeFileSync(stateFile, `1410 87 ${0x20 | 0x4}`);
      expect(opened.monitor?.sample()).toMatchObject({ smClockMHz: 1410, temperatureC: 87, clockReasons: ['software-power-cap', 'software-thermal-slowdown'], throttled: true });
      const sampled = addon.nvmlSample();
      expect(sampled.ok && decodeGpuState(sampled.devices[0]).missing).toEqual({ performanceState: 'Not Supported (nvmlReturn 3)' });
    } finally {
      delete process.env.FAKE_NVML_STATE_FILE;
    }
  });
});
