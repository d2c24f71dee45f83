import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFakeGpuDrivers } from '../helpers/fake-gpu-driver.js';
import { runCli, tempDir } from './run-cli.js';

const expectVulkan = process.env.EDGETUNE_EXPECT_VULKAN === '1';

describe('native facts in the CLI', () => {
  it('probe --json carries the native probe, with a reason for every part it could not read', async () => {
    const result = await runCli(['probe', '--json']);
    expect(result.code).toBe(0);
    const { native } = JSON.parse(result.stdout);
    expect(native.available).toBe(true);
    for (const part of ['vulkan', 'cuda', 'nvml', 'jetson']) {
      expect(native[part].available === true || typeof native[part].reason === 'string').toBe(true);
    }
    if (expectVulkan) expect(native.vulkan.devices[0].computeLimits.maxComputeWorkGroupInvocations).toBeGreaterThan(0);
    if (native.parallelUnits === null) expect(native.parallelUnitsReason).toMatch(/no SM or compute-unit count/);
  });

  it('shows SMs, clocks and NVML state when the driver libraries answer (stand-in H100 libraries via EDGETUNE_*_LIBRARY)', async () => {
    const drivers = buildFakeGpuDrivers();
    const env = { EDGETUNE_CUDA_LIBRARY: drivers.cuda, EDGETUNE_NVML_LIBRARY: drivers.nvml };
    const json = await runCli(['probe', '--json'], { env });
    const { native } = JSON.parse(json.stdout);
    expect(native.cuda).toMatchObject({ available: true, driverVersion: '12.4', devices: [{ smCount: 132, computeCapability: '9.0', l2CacheBytes: 52428800 }] });
    expect(native.nvml).toMatchObject({ available: true, driverVersion: '550.54.15', devices: [{ smClockMHz: 1980, throttled: false }] });
    expect(native.parallelUnits).toEqual({ count: 132, kind: 'sm', device: 'NVIDIA H100 80GB HBM3', source: 'cuda' });
    const text = await runCli(['probe'], { env });
    expect(text.stdout).toContain('CUDA     NVIDIA H100 80GB HBM3: sm_90, 132 SMs at 1980 MHz, L2 50 MiB, 5120-bit bus');
    expect(text.stdout).toContain('Step prediction uses 132 SMs of NVIDIA H100 80GB HBM3 (cuda)');
  });

  it('says "native probe unavailable: <reason>" and still probes everything else when the addon is missing', async () => {
    const result = await runCli(['probe'], { env: { EDGETUNE_NATIVE_ADDON: '/nonexistent/edgetune_native.node' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('native probe unavailable: /nonexistent/edgetune_native.node does not exist');
    expect(result.stdout).toMatch(/✓ cpu\s+works/);
  });

  it('sweep --sm-count predicts wave steps, surveys around them and lists predicted beside measured steps', async () => {
    const out = path.join(tempDir('edgetune-predict-'), 'run');
    const result = await runCli([
      'sweep', '--model', 'vit-s16', '--tokens', '56:72', '--ep', 'cpu', '--strategy', 'block', '--skip-validation',
      '--passes', '1', '--sm-count', '14', '--quiet', '--out', out, '--json',
    ]);
    expect(result.code).toBe(0);
    const profile = JSON.parse(result.stdout);
    expect(profile.prediction.available).toBe(true);
    expect(profile.prediction.units).toMatchObject({ count: 14, kind: 'sm', source: 'user' });
    const predicted = profile.prediction.comparison.predicted as { tokens: number; kind: string; measured: unknown }[];
    // DeiT-S/ViT-S on 14 SMs: a wave is added at 65 tokens under several tile hypotheses
    expect(predicted.find((step) => step.tokens === 65)?.kind).toBe('wave');
    for (const step of predicted) expect(step).toHaveProperty('measured');
    const measuredCounts = profile.points.map((point: { tokens: number }) => point.tokens);
    for (const tokens of [64, 65]) expect(measuredCounts).toContain(tokens);
    expect(profile.notes.join('\n')).toMatch(/predicted wave steps on 14 SMs: .*65/);
  });

  it('on the CPU provider without --sm-count it says why there is no prediction', async () => {
    const result = await runCli(['sweep', '--model', 'vit-ti16', '--tokens', '1:8', '--ep', 'cpu', '--strategy', 'block', '--skip-validation', '--passes', '1', '--quiet', '--out', path.join(tempDir('edgetune-nopredict-'), 'run'), '--json']);
    expect(result.code).toBe(0);
    const profile = JSON.parse(result.stdout);
    expect(profile.prediction).toEqual({ available: false, reason: expect.stringContaining('CPU execution provider has no thread-block waves'), focusCounts: [] });
    expect(profile.deviceState).toBeUndefined();
  });
});
