import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon, type NativeAddon } from '../../../../electron/engine/probe/native/addon.js';
import { probeNative } from '../../../../electron/engine/probe/native/native-probe.js';

/** CI installs mesa-vulkan-drivers and vulkan-tools and sets this, so a missing Vulkan device fails there. */
const expectVulkan = process.env.EDGETUNE_EXPECT_VULKAN === '1';

function addon(): NativeAddon {
  const loaded = loadNativeAddon();
  if (!loaded.ok) throw new Error(`the native addon must build on this machine: ${loaded.reason}`);
  return loaded.addon;
}

/** vulkaninfo's own reading of the same devices, the independent check of our struct layouts. */
function vulkaninfoFacts(): Record<string, string>[] | undefined {
  let text: string;
  try {
    text = execFileSync('vulkaninfo', [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 });
  } catch {
    return undefined;
  }
  const devices: Record<string, string>[] = [];
  for (const section of text.split(/\nGPU\d+:\n/).slice(1)) {
    const facts: Record<string, string> = {};
    for (const match of section.matchAll(/^\s*(\w+)\s*=\s*(.+)$/gm)) facts[match[1]] ??= match[2].trim();
    devices.push(facts);
  }
  return devices;
}

describe('native addon (built by npm install, GPU libraries opened at run time)', () => {
  it('enumerates the Vulkan devices vulkaninfo sees, with the same properties and limits', () => {
    const vulkan = addon().probeVulkan();
    const reference = vulkaninfoFacts();
    if (expectVulkan) {
      expect(vulkan.ok).toBe(true);
      expect(reference, 'vulkaninfo (vulkan-tools) must be installed where EDGETUNE_EXPECT_VULKAN=1').toBeDefined();
    }
    if (!vulkan.ok) {
      expect(vulkan.reason).toMatch(/Vulkan/);
      return;
    }
    expect(vulkan.devices.length).toBeGreaterThan(0);
    if (!reference) return;
    expect(vulkan.devices).toHaveLength(reference.length);
    vulkan.devices.forEach((device, index) => {
      const facts = reference[index];
      expect(device.name).toBe(facts.deviceName);
      expect(device.vendorId).toBe(Number(facts.vendorID));
      expect(device.deviceId).toBe(Number(facts.deviceID));
      expect(facts.apiVersion).toContain(`(${device.apiVersion})`);
      expect(device.computeLimits?.maxComputeSharedMemoryBytes).toBe(Number(facts.maxComputeSharedMemorySize));
      expect(device.computeLimits?.maxComputeWorkGroupInvocations).toBe(Number(facts.maxComputeWorkGroupInvocations));
      expect(device.subgroupSize).toBe(Number(facts.subgroupSize));
      expect(device.driverName).toBe(facts.driverName);
      expect(device.memoryHeaps?.length).toBeGreaterThan(0);
    });
  });

  it('reports a missing CUDA driver or NVML cleanly, with the libraries it tried', () => {
    const native = addon();
    const hasCuda = ['/usr/lib/x86_64-linux-gnu/libcuda.so.1', '/usr/lib64/libcuda.so.1'].some(existsSync);
    if (!hasCuda) {
      const cuda = native.probeCuda();
      expect(cuda).toEqual({ ok: false, reason: expect.stringMatching(/^no CUDA driver: .*libcuda\.so\.1/) });
      const nvml = native.nvmlOpen();
      expect(nvml).toEqual({ ok: false, reason: expect.stringMatching(/^no NVML library: .*libnvidia-ml\.so\.1/) });
      expect(native.nvmlSample()).toMatchObject({ ok: false });
    }
    expect(native.probeCuda('/nonexistent/libcuda.so.1')).toMatchObject({ ok: false, reason: expect.stringContaining('/nonexistent/libcuda.so.1') });
  });

  it('refuses a library that is not what it claims to be, naming the missing entry points', () => {
    const native = addon();
    const libm = 'libm.so.6';
    expect(native.probeCuda(libm)).toEqual({ ok: false, reason: expect.stringMatching(/^libm\.so\.6 lacks cuInit, .*not a CUDA driver library/) });
    expect(native.probeVulkan(libm)).toEqual({ ok: false, reason: 'libm.so.6 has no vkGetInstanceProcAddr: not a Vulkan loader' });
  });

  it('probes in a child process and says why no SM count is known', async () => {
    const facts = await probeNative();
    expect(facts.available).toBe(true);
    expect(facts.addonPath).toMatch(/edgetune_native\.node$/);
    if (!facts.cuda.available) expect(facts.cuda.reason).toMatch(/CUDA/);
    if (facts.parallelUnits === null) expect(facts.parallelUnitsReason).toMatch(/no SM or compute-unit count/);
    if (expectVulkan) expect(facts.vulkan.available && facts.vulkan.devices.length).toBeGreaterThan(0);
  });
});
