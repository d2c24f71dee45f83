import { describe, expect, it } from 'vitest';
import { cudaVersionText, decodeClockReasons, driverVersionText, vendorName, vulkanVersionText } from '../../../../electron/engine/probe/native/decode.js';
import {
  decodeCudaDevice,
  decodeGpuState,
  decodeNativeProbe,
  decodeVulkanDevice,
  parallelUnitsOf,
  type CudaFacts,
  type VulkanFacts,
} from '../../../../electron/engine/probe/native/native-probe.js';

const unavailable = { available: false as const, reason: 'not here' };

describe('decoding what drivers report', () => {
  it('decodes Vulkan API versions and vendor-specific driver versions', () => {
    expect(vulkanVersionText((1 << 22) | (3 << 12) | 239)).toBe('1.3.239');
    // NVIDIA packs 10.8.8.6 bits: 535.104.5
    expect(driverVersionText(0x10de, (535 << 22) | (104 << 14) | (5 << 6), 'linux')).toBe('535.104.5');
    expect(driverVersionText(0x8086, (101 << 14) | 4146, 'win32')).toBe('101.4146');
    expect(driverVersionText(0x1002, (2 << 22) | (0 << 12) | 279, 'linux')).toBe('2.0.279');
    expect(cudaVersionText(12040)).toBe('12.4');
    expect(vendorName(0x10de)).toBe('NVIDIA');
    expect(vendorName(0x1234)).toBe('vendor 0x1234');
  });

  it("names NVML's clock-event reasons and flags only those that slow kernels", () => {
    expect(decodeClockReasons(0)).toEqual({ reasons: [], throttled: false });
    expect(decodeClockReasons(0x1)).toEqual({ reasons: ['gpu-idle'], throttled: false });
    expect(decodeClockReasons(0x4 | 0x40)).toEqual({ reasons: ['software-power-cap', 'hardware-thermal-slowdown'], throttled: true });
    expect(decodeClockReasons(0x100 | 0x2)).toEqual({ reasons: ['applications-clocks-setting', 'display-clock-setting'], throttled: false });
  });

  it('turns an NVIDIA Vulkan device with SM builtins into SM facts', () => {
    const device = decodeVulkanDevice(
      {
        name: 'NVIDIA H100 80GB HBM3',
        vendorId: 0x10de,
        deviceId: 0x2330,
        deviceType: 2,
        apiVersion: (1 << 22) | (3 << 12) | 277,
        driverVersion: (550 << 22) | (54 << 14) | (15 << 6),
        memoryHeaps: [
          { sizeBytes: 85e9, deviceLocal: true },
          { sizeBytes: 64e9, deviceLocal: false },
        ],
        nvidiaShaderCores: { smCount: 132, warpsPerSm: 64 },
      },
      'linux',
    );
    expect(device).toMatchObject({ vendor: 'NVIDIA', type: 'discrete-gpu', apiVersion: '1.3.277', driverVersion: '550.54.15', smCount: 132, warpsPerSm: 64, deviceLocalBytes: 85e9 });
  });

  it('counts AMD compute units from the active count, else from the shader-engine layout', () => {
    const amd = { shaderEngineCount: 4, shaderArraysPerEngine: 2, computeUnitsPerShaderArray: 12, simdPerComputeUnit: 2, wavefrontsPerSimd: 16, wavefrontSize: 64 };
    expect(decodeVulkanDevice({ vendorId: 0x1002, amdShaderCores: amd }).computeUnits).toBe(96);
    expect(decodeVulkanDevice({ vendorId: 0x1002, amdShaderCores: { ...amd, activeComputeUnitCount: 84 } }).computeUnits).toBe(84);
  });

  it('prefers CUDA SMs, then Vulkan SMs or CUs of a discrete GPU, and says why when none is known', () => {
    const cuda: CudaFacts = { available: true, library: 'libcuda.so.1', devices: [decodeCudaDevice({ index: 0, name: 'H100', smCount: 132, smClockKHz: 1_980_000 })] };
    const vulkan: VulkanFacts = {
      available: true,
      library: 'libvulkan.so.1',
      instanceVersion: '1.3.0',
      devices: [decodeVulkanDevice({ name: 'iGPU', deviceType: 1 }), decodeVulkanDevice({ name: 'RX 7900', deviceType: 2, amdShaderCores: { shaderEngineCount: 6, shaderArraysPerEngine: 2, computeUnitsPerShaderArray: 8, simdPerComputeUnit: 2, wavefrontsPerSimd: 16, wavefrontSize: 32 } })],
    };
    expect(parallelUnitsOf(vulkan, cuda).units).toEqual({ count: 132, kind: 'sm', device: 'H100', source: 'cuda' });
    expect(parallelUnitsOf(vulkan, unavailable).units).toEqual({ count: 96, kind: 'cu', device: 'RX 7900', source: 'vulkan' });
    const none = parallelUnitsOf({ ...vulkan, devices: [vulkan.devices[0]] }, unavailable);
    expect(none.units).toBeNull();
    expect(none.reason).toMatch(/CUDA: not here; Vulkan: no device offers VK_NV_shader_sm_builtins/);
    expect(decodeCudaDevice({ index: 0, smClockKHz: 1_980_000 }).smClockMHz).toBe(1980);
  });

  it('reads NVML samples in watts and marks thermal throttling', () => {
    const sample = decodeGpuState({ index: 0, name: 'H100', smClockMHz: 1410, powerMw: 350_500, powerLimitMw: 700_000, temperatureC: 81, clockReasons: 0x20 });
    expect(sample).toMatchObject({ powerW: 350.5, powerLimitW: 700, throttled: true, clockReasons: ['software-thermal-slowdown'] });
  });

  it('keeps every part unavailable, with the reason, when the addon itself is missing', () => {
    const facts = decodeNativeProbe({ ok: false, reason: 'it did not build' }, unavailable);
    expect(facts.available).toBe(false);
    expect(facts.vulkan).toEqual({ available: false, reason: 'native probe unavailable: it did not build' });
    expect(facts.parallelUnits).toBeNull();
  });
});
