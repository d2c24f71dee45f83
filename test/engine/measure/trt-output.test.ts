import { describe, expect, it } from 'vitest';
import { UserError } from '../../../electron/engine/errors.js';
import { parseTrtexecStdout, parseTrtexecTimes, shapeSpec, tensorrtVersionName, timedComputeMs } from '../../../electron/engine/measure/trt-output.js';

/** What trtexec 10.3 prints for a timing run on an H100 (abridged: the option echo is shortened). */
const recordedStdout = `&&&& RUNNING TensorRT.trtexec [TensorRT v100300] # trtexec --loadEngine=/tmp/edgetune-trt-x/model.plan --shapes=tokens:1x197x768 --iterations=128 --duration=0 --warmUp=200 --noDataTransfers --useSpinWait --exportTimes=/tmp/edgetune-trt-x/times-197.json
[11/26/2026-10:02:11] [I] === Model Options ===
[11/26/2026-10:02:11] [I] Format: *
[11/26/2026-10:02:11] [I] Model: 
[11/26/2026-10:02:11] [I] Output:
[11/26/2026-10:02:11] [I] === Inference Options ===
[11/26/2026-10:02:11] [I] Batch: Explicit
[11/26/2026-10:02:11] [I] Input inference shape : tokens=1x197x768
[11/26/2026-10:02:11] [I] Iterations: 128
[11/26/2026-10:02:11] [I] Duration: 0s (+ 200ms warm up)
[11/26/2026-10:02:11] [I] === Device Information ===
[11/26/2026-10:02:11] [I] Available Devices: 
[11/26/2026-10:02:11] [I]   Device 0: "NVIDIA H100 80GB HBM3" UUID: GPU-5b2c1f7e-0000-0000-0000-000000000000
[11/26/2026-10:02:11] [I] Selected Device: NVIDIA H100 80GB HBM3
[11/26/2026-10:02:11] [I] Selected Device ID: 0
[11/26/2026-10:02:11] [I] Compute Capability: 9.0
[11/26/2026-10:02:11] [I] SMs: 132
[11/26/2026-10:02:11] [I] Device Global Memory: 81089 MiB
[11/26/2026-10:02:11] [I] TensorRT version: 10.3.0
[11/26/2026-10:02:12] [I] Engine loaded in 0.0412 sec.
[11/26/2026-10:02:12] [I] Starting inference
[11/26/2026-10:02:12] [I] Warmup completed 655 queries over 200 ms
[11/26/2026-10:02:12] [I] Timing trace has 128 queries over 0.0407 s
[11/26/2026-10:02:12] [I] 
[11/26/2026-10:02:12] [I] === Performance summary ===
[11/26/2026-10:02:12] [I] Throughput: 3145.2 qps
[11/26/2026-10:02:12] [I] Latency: min = 0.3018 ms, max = 0.3396 ms, mean = 0.3102 ms, median = 0.3087 ms, percentile(90%) = 0.3154 ms, percentile(95%) = 0.3179 ms, percentile(99%) = 0.3301 ms
[11/26/2026-10:02:12] [I] Enqueue Time: min = 0.0152 ms, max = 0.0421 ms, mean = 0.0178 ms, median = 0.0171 ms, percentile(90%) = 0.0197 ms, percentile(95%) = 0.0211 ms, percentile(99%) = 0.0322 ms
[11/26/2026-10:02:12] [I] GPU Compute Time: min = 0.3018 ms, max = 0.3396 ms, mean = 0.3102 ms, median = 0.3087 ms, percentile(90%) = 0.3154 ms, percentile(95%) = 0.3179 ms, percentile(99%) = 0.3301 ms
[11/26/2026-10:02:12] [I] Total Host Walltime: 0.0407 s
[11/26/2026-10:02:12] [I] Total GPU Compute Time: 0.0397 s
[11/26/2026-10:02:12] [I] Explanations of the performance metrics are printed in the verbose logs.
&&&& PASSED TensorRT.trtexec [TensorRT v100300] # trtexec --loadEngine=/tmp/edgetune-trt-x/model.plan --shapes=tokens:1x197x768
`;

/** trtexec failing to build: an ONNX op its parser does not know. */
const recordedFailure = `&&&& RUNNING TensorRT.trtexec [TensorRT v8502] # trtexec --onnx=/tmp/edgetune-trt-y/model.onnx --saveEngine=/tmp/edgetune-trt-y/model.plan
[11/26/2026-10:05:01] [I] Start parsing network model.
[11/26/2026-10:05:01] [E] [TRT] ModelImporter.cpp:773: While parsing node number 0 [LayerNormalization -> "blocks.0/norm1"]:
[11/26/2026-10:05:01] [E] [TRT] ModelImporter.cpp:776: --- Begin node ---
[11/26/2026-10:05:01] [E] Failed to parse onnx file
[11/26/2026-10:05:01] [E] Parsing model failed
&&&& FAILED TensorRT.trtexec [TensorRT v8502] # trtexec --onnx=/tmp/edgetune-trt-y/model.onnx --saveEngine=/tmp/edgetune-trt-y/model.plan
`;

/** --exportTimes as trtexec writes it (one line per inference; warm-up inferences included). */
function recordedTimes(entries: { startComputeMs: number; computeMs: number }[]): string {
  const lines = entries.map((entry, index) => {
    const startEnq = entry.startComputeMs - 0.02;
    const end = entry.startComputeMs + entry.computeMs;
    return `${index === 0 ? '  ' : ', '}{ "startEnqMs" : ${startEnq}, "endEnqMs" : ${startEnq + 0.017}, "startH2dMs" : ${entry.startComputeMs}, "endH2dMs" : ${entry.startComputeMs}, "startComputeMs" : ${entry.startComputeMs}, "endComputeMs" : ${end}, "startD2hMs" : ${end}, "endD2hMs" : ${end}, "h2dMs" : 0, "computeMs" : ${entry.computeMs}, "d2hMs" : 0, "latencyMs" : ${entry.computeMs}, "endToEndMs" : ${entry.computeMs} }`;
  });
  return `[\n${lines.join('\n')}\n]\n`;
}

describe('trtexec output', () => {
  it('reads the per-inference GPU compute times from --exportTimes, leaving out the warm-up', () => {
    const warmUp = [0.4, 0.35, 0.31].map((computeMs, i) => ({ startComputeMs: 60 * i, computeMs }));
    const timed = [0.3087, 0.3102, 0.3018, 0.3396].map((computeMs, i) => ({ startComputeMs: 200.1 + 0.32 * i, computeMs }));
    const trace = parseTrtexecTimes(recordedTimes([...warmUp, ...timed]), 'times-197.json');
    expect(trace).toHaveLength(7);
    expect(trace[3]).toMatchObject({ startComputeMs: 200.1, computeMs: 0.3087, latencyMs: 0.3087 });
    expect(timedComputeMs(trace, 200)).toEqual([0.3087, 0.3102, 0.3018, 0.3396]);
  });

  it('reads the version, device, summary and verdict from stdout', () => {
    expect(parseTrtexecStdout(recordedStdout)).toEqual({
      tensorrtVersion: '10.3.0',
      passed: true,
      errors: [],
      device: 'NVIDIA H100 80GB HBM3',
      computeCapability: '9.0',
      smCount: 132,
      gpuComputeMedianMs: 0.3087,
    });
  });

  it('keeps the [E] lines of a failed run', () => {
    const report = parseTrtexecStdout(recordedFailure);
    expect(report.passed).toBe(false);
    expect(report.tensorrtVersion).toBe('8.5.2');
    expect(report.errors).toEqual([
      '[TRT] ModelImporter.cpp:773: While parsing node number 0 [LayerNormalization -> "blocks.0/norm1"]:',
      '[TRT] ModelImporter.cpp:776: --- Begin node ---',
      'Failed to parse onnx file',
      'Parsing model failed',
    ]);
  });

  it('names TensorRT versions in both of NV_TENSORRT_VERSION\'s encodings', () => {
    expect(tensorrtVersionName(8601)).toBe('8.6.1');
    expect(tensorrtVersionName(100300)).toBe('10.3.0');
    expect(tensorrtVersionName(101100)).toBe('10.11.0');
  });

  it('rejects files that are not an --exportTimes trace, saying which', () => {
    for (const [text, problem] of [
      ['not json', /not JSON/],
      ['{"count": 3}', /not a list of inferences/],
      ['[{"startComputeMs": 1, "endComputeMs": 2, "latencyMs": 1}]', /inference 0 in t\.json lacks computeMs/],
    ] as const) {
      let error: unknown;
      try {
        parseTrtexecTimes(text, 't.json');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toMatch(problem);
    }
  });

  it('writes shapes as trtexec reads them, quoting names it could misread', () => {
    expect(shapeSpec('tokens', [1, 197, 768])).toBe('tokens:1x197x768');
    expect(shapeSpec('input.1', [2, 50, 384])).toBe("'input.1':2x50x384");
  });
});
