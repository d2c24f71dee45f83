import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../electron/engine/contracts/profile.js';
import { formatBackends } from '../../electron/cli/commands/probe.js';
import { runCli, tempDir } from './run-cli.js';

/** CI installs Debian's python3-torch and sets EDGETUNE_EXPECT_TORCH=1, so a missing torch fails there instead of skipping. */
const expectTorch = process.env.EDGETUNE_EXPECT_TORCH === '1';
const systemTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();

const torchSweep = ['sweep', '--model', 'vit-ti16', '--backend', 'torch', '--device', 'cpu', '--passes', '1', '--quiet'];

/** A real python 3 that cannot import torch: site-packages (where Debian's python3-torch lives) switched off. */
function pythonWithoutTorch(): string {
  const file = path.join(tempDir('edgetune-notorch-'), 'python3');
  writeFileSync(file, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
  chmodSync(file, 0o755);
  return file;
}

/** Processes whose parent is `pid` and whose command line mentions `needle` (Linux /proc). */
function childProcesses(pid: number, needle: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

const expectUserError = (result: { code: number | null; stderr: string }, problem: RegExp, fix: RegExp) => {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(problem);
  expect(result.stderr).toMatch(/fix: /);
  expect(result.stderr).toMatch(fix);
  expect(result.stderr).not.toMatch(/\n\s+at /);
};

describe.runIf(systemTorch || expectTorch)('edgetune sweep --backend torch (real python3 + torch, CPU)', () => {
  it('sweeps a vit-ti16 block in PyTorch, checks the whole-model prediction and writes a valid profile', async () => {
    const out = path.join(tempDir('edgetune-torch-sweep-'), 'run');
    const result = await runCli([...torchSweep, '--tokens', '1:8', '--strategy', 'block', '--out', out, '--json']);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    const saved = JSON.parse(readFileSync(path.join(out, 'profile.json'), 'utf8'));
    expect(JSON.parse(result.stdout)).toEqual(saved);
    const profile = profileSchema.parse(saved);
    expect(profile.complete).toBe(true);
    expect(profile.ep).toBe('torch-cpu');
    expect(profile.points.map((point) => point.tokens)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const point of profile.points) expect(point.medianMs).toBeGreaterThan(0);
    expect(saved.unit).toBe('block');
    expect(saved.backend).toMatchObject({ backend: 'torch', ep: 'cpu', epOptions: { dtype: 'fp32', cudaGraphs: false } });
    expect(saved.backend.versions.torch).toMatch(/^\d+\.\d+/);
    expect(saved.backend.versions.python).toMatch(/^3\./);
    expect(saved.backend.workload.python).toMatch(/python3/);
    // the block-based prediction was checked against the whole encoder, run in a second python process
    expect(saved.fullModel.checks.length).toBeGreaterThanOrEqual(3);
    expect(saved.fullModel.checks.every((check: { measuredMs: number }) => check.measuredMs > 0)).toBe(true);
    expect(readFileSync(path.join(out, 'raw-timings.csv'), 'utf8').split('\n')[0]).toBe('workload,phase,pass,tokens,is_reference,visit,visit_started_ms,iteration,ms');
  });

  it.runIf(process.platform === 'linux')('a backend process killed mid-sweep: an error, and the partial profile kept, marked incomplete', async () => {
    const out = path.join(tempDir('edgetune-torch-died-'), 'run');
    let killed: number[] = [];
    const result = await runCli(['sweep', '--model', 'vit-ti16', '--backend', 'torch', '--device', 'cpu', '--tokens', '1:64', '--passes', '2', '--strategy', 'block', '--skip-validation', '--out', out], {
      onStderr: (text, child) => {
        // the first progress line comes after the first visit has been measured
        if (killed.length === 0 && /sweep · survey/.test(text)) {
          killed = childProcesses(child.pid!, 'edgetune_torch_backend.py');
          for (const pid of killed) process.kill(pid, 'SIGKILL');
        }
      },
    });
    expect(killed).toHaveLength(1);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the PyTorch backend process \(pid \d+, .*\) stopped during '(prepare|time)' at \d+ tokens: it was killed \(SIGKILL\)/);
    const profile = JSON.parse(readFileSync(path.join(out, 'profile.json'), 'utf8'));
    expect(profile.complete).toBe(false);
    expect(profile.failure).toMatch(/stopped during/);
    expect(profile.points.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).status).toBe('failed');
    expect(existsSync(path.join(out, 'raw-timings.csv'))).toBe(true);
  });

  it('a broken python: the message names it and the fix says what to pass', async () => {
    expectUserError(
      await runCli([...torchSweep, '--python', '/bin/false', '--tokens', '1:8']),
      /the PyTorch backend cannot run with --python \/bin\/false: it exited with code 1 before answering/,
      /--python .*\/usr\/bin\/python3/,
    );
  });

  it('a python without torch: the message names it and the fix says how to install torch', async () => {
    const python = pythonWithoutTorch();
    expectUserError(
      await runCli([...torchSweep, '--python', python, '--tokens', '1:8']),
      new RegExp(`--python ${python.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*has no usable torch \\(ModuleNotFoundError: No module named 'torch'\\)`),
      /python3 -m pip install torch.*apt install python3-torch/,
    );
  });

  it('flags that belong to another runtime are refused, not ignored', async () => {
    expectUserError(await runCli([...torchSweep, '--ep', 'webgpu']), /--ep does not apply to --backend torch/, /--device/);
    expectUserError(await runCli(['sweep', '--model', 'vit-ti16', '--device', 'cuda']), /--device does not apply to --backend ort/, /--backend torch/);
    expectUserError(await runCli(['sweep', '--model', 'vit-ti16', '--backend', 'onnx']), /--backend onnx is not a runtime/, /ort.*torch.*trt/);
  });
});

describe('edgetune sweep --backend trt without TensorRT', () => {
  it('says trtexec is missing and how to get it', async () => {
    expectUserError(await runCli(['sweep', '--model', 'vit-ti16', '--backend', 'trt', '--quiet'], { env: { PATH: '/usr/bin:/bin' } }), /TensorRT's trtexec was not found/, /install TensorRT.*--trtexec PATH/);
    expectUserError(await runCli(['sweep', '--model', 'vit-ti16', '--backend', 'trt', '--trtexec', '/nonexistent/trtexec', '--quiet']), /--trtexec \/nonexistent\/trtexec does not exist/, /trtexec/);
  });
});

describe.runIf(systemTorch || expectTorch)('edgetune probe lists the other runtimes', () => {
  it('the PyTorch backend with its python, torch and devices; TensorRT with why it is missing', async () => {
    const result = await runCli(['probe', '--json']);
    expect(result.code).toBe(0);
    const { backends } = JSON.parse(result.stdout);
    expect(backends.torch.available).toBe(true);
    expect(backends.torch.torch).toMatch(/^\d+\.\d+/);
    expect(backends.torch.python).toMatch(/python3/);
    expect(typeof backends.torch.cuda.available).toBe('boolean');
    expect(typeof backends.torch.mps.available).toBe('boolean');
    expect(backends.torch.attempts.some((attempt: { usable: boolean }) => attempt.usable)).toBe(true);
    if (!backends.tensorrt.available) expect(backends.tensorrt.reason).toMatch(/trtexec/);
    const text = formatBackends(backends).join('\n');
    expect(text).toMatch(/✓ torch\s+\d+\.\d+\S* on Python 3\.\d+\.\d+ \(.*python3.*\); (CUDA|no CUDA)/);
    expect(text).toMatch(/(✓|✗) trt/);
  });
});
