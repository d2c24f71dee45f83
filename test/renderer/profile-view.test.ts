import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../electron/engine/contracts/profile';
import type { NativeFacts } from '../../electron/engine/probe/native/native-probe';
import { nativeFactSources, parallelUnitsSentence } from '../../renderer/src/pages/device/native-facts';
import { modelName, viewProfile } from '../../renderer/src/profile/profile-view';

const fixture = (name: string) => profileSchema.parse(JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')));

describe('viewProfile', () => {
  it('reads what an EdgeTune sweep recorded: model, part, regime, strategy check, notes', () => {
    const view = viewProfile(fixture('h200-webgpu-vit-b16-block-profile.json'));
    expect(view.model).toBe('vit-b16');
    expect(view.part).toBe('block');
    expect(view.ep).toBe('webgpu');
    expect(view.regime).toBe('linear');
    expect(view.fullModel?.checks.length).toBeGreaterThan(0);
    expect(view.notes.length).toBeGreaterThan(0);
    expect(view.predicted).toEqual([]);
    expect(view.prediction).toBeUndefined();
  });

  it('puts predicted steps beside measured ones and says how many were found', () => {
    const profile = {
      ...fixture('h200-webgpu-vit-b16-whole-profile.json'),
      prediction: {
        available: true,
        units: { count: 132, kind: 'sm', device: 'NVIDIA H200', source: 'cuda' },
        focusCounts: [],
        comparison: {
          predicted: [
            { tokens: 65, kind: 'wave', jumpPct: 12, support: 3, measured: { tokens: 66, jumpPct: 10, confidence: 0.9 } },
            { tokens: 129, kind: 'wave', jumpPct: 8, support: 2, measured: null },
          ],
          unpredicted: [{ tokens: 150, jumpPct: 5, confidence: 0.7 }],
        },
      },
    };
    const view = viewProfile(profile);
    expect(view.predicted).toEqual([
      { tokens: 65, jumpPct: 12, measured: { tokens: 66, jumpPct: 10, confidence: 0.9 } },
      { tokens: 129, jumpPct: 8, measured: null },
    ]);
    expect(view.prediction).toBe('2 steps predicted on 132 SMs (NVIDIA H200); 1 of them measured within 2 tokens');
    expect(view.unpredictedSteps).toEqual([150]);
  });

  it("gives the reason when nothing was predicted, and copes with other tools' bare profiles", () => {
    const bare = profileSchema.parse({ schema: 'edgetune/profile@1', ep: 'cpu', model: 'my-model.onnx', points: [] });
    const view = viewProfile({ ...bare, prediction: { available: false, reason: 'the CPU execution provider has no thread-block waves', focusCounts: [] } });
    expect(view.prediction).toBe('no step prediction: the CPU execution provider has no thread-block waves');
    expect(viewProfile(bare)).toMatchObject({ model: 'my-model.onnx', part: undefined, notes: [], strategy: undefined });
    expect(modelName({ file: '/models/vit.onnx', part: 'model' })).toBe('/models/vit.onnx');
  });
});

describe('native facts on the Device page', () => {
  const unavailable = (reason: string) => ({ available: false as const, reason });
  const native: NativeFacts = {
    available: true,
    vulkan: {
      available: true,
      library: 'libvulkan.so.1',
      instanceVersion: '1.3.239',
      devices: [
        {
          name: 'NVIDIA H200',
          vendor: 'NVIDIA',
          vendorId: 4318,
          deviceId: 8997,
          type: 'discrete-gpu',
          apiVersion: '1.3.277',
          driverVersion: '550.54.15',
          memoryHeaps: [{ sizeBytes: 150_000_000_000, deviceLocal: true }],
          deviceLocalBytes: 150_000_000_000,
          smCount: 132,
          warpsPerSm: 64,
          missing: { amdShaderCores: 'VK_AMD_shader_core_properties not offered by this device' },
        },
      ],
    },
    cuda: { available: true, library: 'libcuda.so.1', driverVersion: '12.4', devices: [{ index: 0, name: 'NVIDIA H200', computeCapability: '9.0', smCount: 132, l2CacheBytes: 52_428_800 }] },
    nvml: unavailable('no NVML library'),
    jetson: unavailable('not a Jetson board'),
    parallelUnits: { count: 132, kind: 'sm', device: 'NVIDIA H200', source: 'cuda' },
  };

  it('groups facts by where they came from, with the reason for each source that could not be read', () => {
    const sources = nativeFactSources(native);
    expect(sources.map((source) => [source.title, source.available])).toEqual([
      ['Vulkan', true],
      ['CUDA driver', true],
      ['NVML (clocks, temperature, power)', false],
      ['Jetson (sysfs)', false],
    ]);
    const vulkanFacts = Object.fromEntries(sources[0].devices[0].facts);
    expect(vulkanFacts).toMatchObject({ SMs: '132', 'warps per SM': '64', type: 'discrete-gpu', 'device memory': '140 GiB' });
    expect(sources[0].devices[0].missing).toEqual([['amdShaderCores', 'VK_AMD_shader_core_properties not offered by this device']]);
    expect(Object.fromEntries(sources[1].devices[0].facts)).toEqual({ 'compute capability': '9.0', SMs: '132', 'L2 cache': '50.0 MiB' });
    expect(sources[2].detail).toBe('no NVML library');
  });

  it('says whether sweeps can predict steps here', () => {
    expect(parallelUnitsSentence(native)).toContain('132 SMs on NVIDIA H200 (from cuda)');
    expect(parallelUnitsSentence({ ...native, parallelUnits: null, parallelUnitsReason: 'no SM or compute-unit count: CUDA: no driver' })).toBe(
      'No step prediction on this machine: no SM or compute-unit count: CUDA: no driver.',
    );
  });
});
