import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { timmVitFixtures } from '../helpers/fixtures.js';

const fixtures = timmVitFixtures;

describe('edgetune commands', () => {
  it('--help lists every command', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['tune', 'probe', 'sweep', 'schedule', 'models', 'inspect', 'bench']) expect(result.stdout).toContain(command);
  });

  it('an unknown command names the fix', async () => {
    const result = await runCli(['tuen']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'tuen'/);
  });

  it('models --json lists the built-ins with the contract fields', async () => {
    const result = await runCli(['models', '--json']);
    expect(result.code).toBe(0);
    const models = JSON.parse(result.stdout) as Record<string, unknown>[];
    const ids = models.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['vit-ti16', 'vit-s16', 'vit-b16', 'vit-l16', 'dinov2-s14', 'dinov2-b14', 'deit-s16']));
    const contractFields = ['depth', 'family', 'heads', 'id', 'macs', 'params', 'tokens', 'width'];
    for (const model of models) {
      const extra = model.family === 'vittm' ? ['memoryTokens', 'processTokens'] : [];
      expect(Object.keys(model).sort()).toEqual([...contractFields, ...extra].sort());
    }
    const vitB = models.find((model) => model.id === 'vit-b16')!;
    expect(vitB).toMatchObject({ depth: 12, width: 768, heads: 12, tokens: 197 });
  });

  it('probe --json reports the machine and which providers work, with reasons for the rest', async () => {
    const result = await runCli(['probe', '--json']);
    expect(result.code).toBe(0);
    const probe = JSON.parse(result.stdout);
    expect(probe.schema).toBe('edgetune/probe@1');
    expect(probe.system.cpu.cores).toBeGreaterThan(0);
    expect(probe.system.memory.totalBytes).toBeGreaterThan(0);
    expect(probe.onnxruntime.version).toBe('1.30.0');
    const cpu = probe.onnxruntime.providers.find((status: { ep: string }) => status.ep === 'cpu');
    expect(cpu.works).toBe(true);
    for (const status of probe.onnxruntime.providers.filter((s: { works: boolean }) => !s.works)) {
      expect(status.error.length).toBeGreaterThan(5);
      expect(status.fix.length).toBeGreaterThan(5);
    }
    // This build machine has no GPU: WebGPU must fail here, cleanly, with Dawn's reason.
    const webgpu = probe.onnxruntime.providers.find((status: { ep: string }) => status.ep === 'webgpu');
    if (!probe.system.gpus.length) expect(webgpu.works).toBe(false);
    expect(result.stderr).toBe('');
  });

  it('probe prints a readable table', async () => {
    const result = await runCli(['probe']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ cpu/);
    expect(result.stdout).toMatch(/--ep auto uses: /);
  });

  it('inspect understands a real timm export (torchscript and dynamo with external data)', async () => {
    for (const file of ['vit_e96_d4_h3_torchscript.onnx', 'vit_e96_d4_h3_dynamo.onnx']) {
      const result = await runCli(['inspect', path.join(fixtures, file), '--json']);
      expect(result.code).toBe(0);
      const inspection = JSON.parse(result.stdout);
      expect(inspection.inputKind).toBe('image');
      expect(inspection.vit).toEqual({ family: 'vit', depth: 4, width: 96, heads: 3, mlpRatio: 4, patchSize: 16, tokens: 197 });
    }
  });

  it('inspect says what is wrong with a missing file', async () => {
    const result = await runCli(['inspect', '/no/such/model.onnx']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/model\.onnx/);
    expect(result.stderr).toMatch(/fix: /);
  });
});
