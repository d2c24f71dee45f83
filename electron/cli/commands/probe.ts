import { probe, type ProbeResult } from '../../engine/probe/probe.js';
import { parseCommandArgs } from '../args.js';
import { createOutput } from '../output.js';
import { formatNativeFacts } from '../native-summary.js';
import type { BackendStatuses } from '../../engine/probe/backends.js';
import { describeAttempt } from '../../engine/measure/python-discovery.js';

export const probeHelp = `edgetune probe [--json] [--python PATH] [--trtexec PATH]

What this machine is and which onnxruntime execution providers really work here
(each is tried with a tiny graph; the error of those that fail is kept), and what the native
addon reads from Vulkan, CUDA, NVML and Jetson sysfs: SM or compute-unit counts, clocks, L2,
temperature and throttling. GPU libraries in unusual places: set EDGETUNE_VULKAN_LIBRARY,
EDGETUNE_CUDA_LIBRARY or EDGETUNE_NVML_LIBRARY to their paths.
The other runtimes a sweep can time with: PyTorch (--backend torch: which python has torch, its
CUDA devices and MPS; --python names the interpreter) and TensorRT (--backend trt: trtexec and its
version; --trtexec names it).`;

export async function probeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('probe', argv, { json: { type: 'boolean' }, python: { type: 'string' }, trtexec: { type: 'string' } } as const);
  if (values.help) return help(probeHelp);
  const output = createOutput(Boolean(values.json));
  const result = await probe({ python: values.python, trtexec: values.trtexec });
  output.result(result, () => formatProbe(result));
  return 0;
}

export function formatProbe(result: ProbeResult): string {
  const { system } = result;
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const lines = [
    `CPU        ${system.cpu.model} (${system.cpu.physicalCores} physical / ${system.cpu.cores} logical cores${system.cpu.speedGHz ? `, ${system.cpu.speedGHz} GHz` : ''})`,
    `Memory     ${gib(system.memory.totalBytes)}`,
    `OS         ${system.os.distro} ${system.os.release}, ${system.os.platform} ${system.os.arch}, kernel ${system.os.kernel}`,
    `Node       ${system.node}`,
  ];
  if (system.gpus.length === 0) lines.push(`GPUs       none found${system.unavailable.gpus ? ` (${system.unavailable.gpus})` : ''}`);
  for (const gpu of system.gpus) {
    lines.push(`GPU        ${gpu.vendor} ${gpu.model}${gpu.vramMb ? `, ${gpu.vramMb} MB` : ''}${gpu.driver ? `, driver ${gpu.driver}` : ''}`);
  }
  lines.push('', ...(result.native ? formatNativeFacts(result.native) : ['native probe: not recorded in this probe']));
  lines.push('', `onnxruntime-node ${result.onnxruntime.version} execution providers:`);
  for (const status of result.onnxruntime.providers) {
    if (status.works) {
      lines.push(`  ✓ ${status.ep.padEnd(8)} works (${status.checkMs.toFixed(0)} ms to load and run a test graph)`);
    } else {
      lines.push(`  ✗ ${status.ep.padEnd(8)} ${status.error}`);
      for (const log of status.nativeLog ?? []) lines.push(`             ${log}`);
      if (status.fix) lines.push(`             fix: ${status.fix}`);
    }
  }
  lines.push('', `--ep auto uses: ${result.bestProvider}`);
  if (result.backends) lines.push('', ...formatBackends(result.backends));
  return lines.join('\n');
}

/** The PyTorch and TensorRT backends as `edgetune probe` prints them. */
export function formatBackends(backends: BackendStatuses): string[] {
  const { torch, tensorrt } = backends;
  const lines = ['Other runtimes (--backend):'];
  if (torch.available) {
    const cuda = torch.cuda?.available
      ? `CUDA ${torch.cuda.version}: ${torch.cuda.devices.map((device) => `${device.name} (sm_${device.capability.replace('.', '')}, ${device.smCount} SMs)`).join(', ')}`
      : `no CUDA (${torch.cuda?.reason ?? 'unknown'})`;
    lines.push(`  ✓ torch    ${torch.torch} on Python ${torch.pythonVersion} (${torch.python}); ${cuda}; MPS ${torch.mps?.available ? 'available' : 'no'}`);
  } else {
    lines.push(`  ✗ torch    ${torch.reason ?? 'unavailable'}`);
    if (torch.fix) lines.push(`             fix: ${torch.fix}`);
  }
  for (const attempt of torch.attempts.filter((tried) => !tried.usable)) lines.push(`             tried ${describeAttempt(attempt)}`);
  if (tensorrt.available) lines.push(`  ✓ trt      TensorRT ${tensorrt.version ?? '(version unknown)'}, ${tensorrt.trtexec}`);
  else {
    lines.push(`  ✗ trt      ${tensorrt.reason ?? 'unavailable'}`);
    if (tensorrt.fix) lines.push(`             fix: ${tensorrt.fix}`);
  }
  return lines;
}

export function help(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}
