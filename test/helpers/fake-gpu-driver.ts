import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const sources = path.resolve(__dirname, '../fixtures/fake-gpu-driver');

/**
 * Compiles the stand-in CUDA driver and NVML libraries (C, no GPU SDK) into a temp folder. The
 * build machine has a C compiler: node-gyp needs one for the addon anyway.
 */
export function buildFakeGpuDrivers(): { cuda: string; nvml: string } {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'edgetune-fake-driver-'));
  const build = (source: string, library: string) => {
    const output = path.join(folder, library);
    execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', output, path.join(sources, source)], { stdio: 'pipe' });
    return output;
  };
  return { cuda: build('fake-cuda.c', 'libcuda.so.1'), nvml: build('fake-nvml.c', 'libnvidia-ml.so.1') };
}
