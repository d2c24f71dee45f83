import os from 'node:os';
import si from 'systeminformation';
import { errorText } from '../errors.js';

export interface GpuFacts {
  vendor: string;
  model: string;
  vramMb: number | null;
  driver: string | null;
  bus: string | null;
}

export interface SystemFacts {
  cpu: { model: string; manufacturer: string; cores: number; physicalCores: number; speedGHz: number | null };
  memory: { totalBytes: number };
  os: { platform: string; distro: string; release: string; kernel: string; arch: string };
  gpus: GpuFacts[];
  node: string;
  /** facts that could not be read, with the reason, so a blank field is never a mystery */
  unavailable: Record<string, string>;
}

/** CPU, memory, OS and GPUs as systeminformation sees them; each part degrades to os-module facts. */
export async function probeSystem(): Promise<SystemFacts> {
  const unavailable: Record<string, string> = {};
  const attempt = async <T>(name: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      unavailable[name] = errorText(error);
      return undefined;
    }
  };
  const [cpu, memory, osInfo, graphics] = await Promise.all([
    attempt('cpu', () => si.cpu()),
    attempt('memory', () => si.mem()),
    attempt('os', () => si.osInfo()),
    attempt('gpus', () => si.graphics()),
  ]);
  const nodeCpus = os.cpus();
  const gpus: GpuFacts[] = (graphics?.controllers ?? []).map((controller) => ({
    vendor: controller.vendor || 'unknown',
    model: controller.model || 'unknown',
    vramMb: typeof controller.vram === 'number' && controller.vram > 0 ? controller.vram : null,
    driver: controller.driverVersion || null,
    bus: controller.bus || null,
  }));
  if (graphics && gpus.length === 0) unavailable.gpus = 'no GPU controller reported by the operating system';
  return {
    cpu: {
      model: cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() : nodeCpus[0]?.model ?? 'unknown',
      manufacturer: cpu?.manufacturer ?? 'unknown',
      cores: cpu?.cores ?? nodeCpus.length,
      physicalCores: cpu?.physicalCores ?? nodeCpus.length,
      speedGHz: cpu && cpu.speed > 0 ? cpu.speed : null,
    },
    memory: { totalBytes: memory?.total ?? os.totalmem() },
    os: {
      platform: osInfo?.platform ?? process.platform,
      distro: osInfo?.distro ?? os.type(),
      release: osInfo?.release ?? os.release(),
      kernel: osInfo?.kernel ?? os.release(),
      arch: osInfo?.arch ?? process.arch,
    },
    gpus,
    node: process.version,
    unavailable,
  };
}
