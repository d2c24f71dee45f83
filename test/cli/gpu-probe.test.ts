import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProbe } from '../../electron/cli/commands/probe.js';
import type { ProbeResult } from '../../electron/engine/probe/probe.js';
import { selectProvider } from '../../electron/engine/probe/select-provider.js';
import { UserError } from '../../electron/engine/errors.js';

/** `edgetune probe --json` as it ran on an NVIDIA H200 machine (WebGPU over Vulkan, no CUDA provider). */
const h200 = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/h200-probe.json'), 'utf8')) as ProbeResult;

describe('provider choice on a real GPU machine', () => {
  it('auto picks WebGPU there and names why CUDA was skipped', async () => {
    const selection = await selectProvider('auto', false, h200.onnxruntime.providers);
    expect(selection.ep).toBe('webgpu');
    expect(selection.notes.join('\n')).toMatch(/cuda does not work here: .*Failed to load shared library/);
  });

  it('--ep cuda stops with what is missing and how to install it', async () => {
    const attempt = selectProvider('cuda', false, h200.onnxruntime.providers);
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toMatchObject({ fix: expect.stringMatching(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/) });
  });

  it('--ep cuda --fallback continues on WebGPU', async () => {
    const selection = await selectProvider('cuda', true, h200.onnxruntime.providers);
    expect(selection.ep).toBe('webgpu');
    expect(selection.notes[0]).toMatch(/falling back to webgpu/);
  });

  it('prints the GPU and the providers readably', () => {
    const text = formatProbe(h200);
    expect(text).toMatch(/GPU +NVIDIA Corporation NVIDIA H200, 143156 MB/);
    expect(text).toMatch(/✓ webgpu/);
    expect(text).toMatch(/✗ cuda/);
    expect(text).toMatch(/--ep auto uses: webgpu/);
  });
});
