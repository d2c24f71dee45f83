import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../electron/engine/errors.js';
import { pythonCandidates, startTorchProcess, closeTorchProcess } from '../../../electron/engine/measure/python-discovery.js';

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

const systemPython = '/usr/bin/python3';

/** A real python 3 that cannot import torch: site-packages (where Debian's python3-torch lives) switched off. */
function pythonWithoutTorch(folder: string, name = 'python-without-torch'): string {
  const file = path.join(folder, name);
  writeFileSync(file, `#!/bin/sh\nexec ${systemPython} -S "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

async function failureOf(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe.runIf(systemTorch || expectTorch)('finding a python with torch for the PyTorch backend', () => {
  it('tries python3 on PATH, then /usr/bin/python3, and says what each one lacked', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'edgetune-pythons-'));
    pythonWithoutTorch(folder, 'python3');
    const env = { ...process.env, PATH: `${folder}:/usr/bin:/bin`, EDGETUNE_PYTHON: '' };
    expect(pythonCandidates(undefined, env).map((candidate) => candidate.command)).toEqual(['python3', systemPython]);
    const found = await startTorchProcess({ env });
    try {
      expect(found.candidate.command).toBe(systemPython);
      expect(found.facts.torch).toMatch(/^\d+\.\d+/);
      expect(found.attempts).toHaveLength(2);
      expect(found.attempts[0]).toMatchObject({ command: 'python3', source: 'path', usable: false, torch: null });
      expect(found.attempts[0].reason).toMatch(/^Python 3\.\d+\.\d+ has no usable torch \(ModuleNotFoundError: No module named 'torch'\)/);
      expect(found.attempts[1]).toMatchObject({ command: systemPython, usable: true });
    } finally {
      await closeTorchProcess(found.process);
    }
  });

  it('a python named with --python is the only one tried', () => {
    expect(pythonCandidates('/opt/my/python3', { PATH: '/usr/bin', EDGETUNE_PYTHON: '/other' })).toEqual([{ command: '/opt/my/python3', source: 'flag', resolved: undefined }]);
    expect(pythonCandidates(undefined, { PATH: '/usr/bin', EDGETUNE_PYTHON: systemPython })).toMatchObject([{ command: systemPython, source: 'env' }]);
  });

  it('a python that is not a working python: exits at once', async () => {
    const error = await failureOf(startTorchProcess({ python: '/bin/false' }));
    expect(error.code).toBe('torch-unavailable');
    expect(error.message).toBe('the PyTorch backend cannot run with --python /bin/false: it exited with code 1 before answering (no output)');
    expect(error.fix).toMatch(/pass --python naming a python 3 that has torch \(e\.g\. --python \/usr\/bin\/python3\)/);
  });

  it('a python that does not exist', async () => {
    const error = await failureOf(startTorchProcess({ python: '/nonexistent/python3' }));
    expect(error.message).toMatch(/--python \/nonexistent\/python3: it was not found/);
  });

  it('a python without torch: the message names it and the fix says how to install torch', async () => {
    const python = pythonWithoutTorch(mkdtempSync(path.join(os.tmpdir(), 'edgetune-notorch-')));
    const error = await failureOf(startTorchProcess({ python }));
    expect(error.code).toBe('torch-unavailable');
    expect(error.message).toContain(`--python ${python}`);
    expect(error.message).toMatch(/has no usable torch \(ModuleNotFoundError: No module named 'torch'\)/);
    expect(error.fix).toMatch(/python3 -m pip install torch/);
    expect(error.fix).toMatch(/apt install python3-torch/);
    expect(error.fix).toMatch(/--python/);
  });

  it('a torch that cannot use the device asked for', async () => {
    const found = await startTorchProcess({ python: systemPython });
    const hasCuda = found.facts.cuda?.available;
    await closeTorchProcess(found.process);
    if (hasCuda) return; // this machine's torch has CUDA: nothing to refuse
    const error = await failureOf(startTorchProcess({ python: systemPython, device: 'cuda' }));
    expect(error.code).toBe('torch-device-unavailable');
    expect(error.message).toMatch(/no python here has a torch that can use CUDA: --python \/usr\/bin\/python3.*cannot use CUDA: (this torch was built without CUDA|torch sees no CUDA device)/);
    expect(error.fix).toMatch(/--device cpu/);
  });
});
