import { UserError } from '../errors.js';

/**
 * What trtexec writes, read into EdgeTune's terms. `--exportTimes=FILE` writes a JSON array with one
 * object per inference: start/end of enqueue, host-to-device copy, compute and device-to-host copy
 * (ms since inference began), and their durations (`computeMs`, `latencyMs`, …). Its stdout carries
 * the TensorRT version, the selected device, `[E]` error lines and a final PASSED/FAILED line.
 */
export interface TrtexecIteration {
  startComputeMs: number;
  endComputeMs: number;
  /** GPU time of the network's kernels */
  computeMs: number;
  /** host-to-device + compute + device-to-host */
  latencyMs: number;
}

const requiredFields = ['startComputeMs', 'endComputeMs', 'computeMs', 'latencyMs'] as const;

export function parseTrtexecTimes(text: string, file: string): TrtexecIteration[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError('trt-output', `trtexec's timing file ${file} is not JSON: ${(error as Error).message}`, 'check that trtexec finished (its output above); rerun');
  }
  if (!Array.isArray(parsed)) throw new UserError('trt-output', `trtexec's timing file ${file} is not a list of inferences`, 'this trtexec writes --exportTimes in a format EdgeTune does not know; please report its version');
  return parsed.map((entry: unknown, index) => {
    const record = entry as Record<string, unknown>;
    const missing = requiredFields.filter((field) => typeof record?.[field] !== 'number' || !Number.isFinite(record[field] as number));
    if (missing.length > 0) {
      throw new UserError('trt-output', `inference ${index} in ${file} lacks ${missing.join(', ')}`, 'this trtexec writes --exportTimes in a format EdgeTune does not know; please report its version');
    }
    return {
      startComputeMs: record.startComputeMs as number,
      endComputeMs: record.endComputeMs as number,
      computeMs: record.computeMs as number,
      latencyMs: record.latencyMs as number,
    };
  });
}

/**
 * The timed inferences' GPU compute times. The trace also holds the warm-up, which trtexec itself
 * leaves out of its report by the same rule (compute started before the warm-up time ran out).
 */
export function timedComputeMs(trace: readonly TrtexecIteration[], warmUpMs: number): number[] {
  return trace.filter((iteration) => iteration.startComputeMs >= warmUpMs).map((iteration) => iteration.computeMs);
}

export interface TrtexecReport {
  /** e.g. '10.3.0', from the `[TensorRT v100300]` banner */
  tensorrtVersion?: string;
  passed: boolean;
  /** the `[E]` lines, without their timestamps */
  errors: string[];
  device?: string;
  computeCapability?: string;
  smCount?: number;
  /** the summary's GPU Compute Time median, a cross-check of the per-inference file */
  gpuComputeMedianMs?: number;
}

export function parseTrtexecStdout(text: string): TrtexecReport {
  const lines = text.split(/\r?\n/);
  const banner = /\[TensorRT v(\d+)\]/.exec(text);
  const field = (pattern: RegExp): string | undefined => {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match) return match[1].trim();
    }
    return undefined;
  };
  const sms = field(/\]\s*SMs:\s*(\d+)/);
  const median = field(/GPU Compute Time:.*\bmedian = ([0-9.eE+-]+) ms/);
  return {
    tensorrtVersion: banner ? tensorrtVersionName(Number(banner[1])) : undefined,
    passed: /^&&&& PASSED TensorRT\.trtexec/m.test(text),
    errors: lines.map((line) => /\[E\]\s*(.*)$/.exec(line)?.[1].trim()).filter((line): line is string => Boolean(line)),
    device: field(/Selected Device:\s*(.+)$/),
    computeCapability: field(/Compute Capability:\s*([0-9.]+)/),
    ...(sms ? { smCount: Number(sms) } : {}),
    ...(median ? { gpuComputeMedianMs: Number(median) } : {}),
  };
}

/** NV_TENSORRT_VERSION: major·1000 + minor·100 + patch up to TensorRT 9, major·10000 + minor·100 + patch from 10 on. */
export function tensorrtVersionName(code: number): string {
  if (code >= 100_000) return `${Math.floor(code / 10_000)}.${Math.floor((code % 10_000) / 100)}.${code % 100}`;
  return `${Math.floor(code / 1000)}.${Math.floor((code % 1000) / 100)}.${code % 100}`;
}

/** `tokens:1x197x768`; names trtexec could misread are quoted, as its help allows. */
export function shapeSpec(inputName: string, dims: readonly number[]): string {
  const name = /^[A-Za-z0-9_]+$/.test(inputName) ? inputName : `'${inputName}'`;
  return `${name}:${dims.join('x')}`;
}
