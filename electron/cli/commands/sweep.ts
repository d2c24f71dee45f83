import { isExecutionProviderChoice } from '../../engine/measure/execution-providers.js';
import { CancelledError, UserError } from '../../engine/errors.js';
import { RunFolder } from '../../engine/store/runs.js';
import { DEFAULT_SWEEP_OPTIONS } from '../../engine/measure/sweep.js';
import type { SweepStrategy } from '../../engine/jobs/strategy.js';
import { SWEEP_BACKENDS, type SweepBackend } from '../../engine/jobs/sweep-job.js';
import { TORCH_DEVICES, TORCH_DTYPES, type TorchDevice, type TorchDtype } from '../../engine/measure/torch-protocol.js';
import { integerOption, parseCommandArgs, stringOption } from '../args.js';
import { createOutput } from '../output.js';
import { sweepWithProgress } from '../sweep-session.js';
import { formatProfileSummary } from '../summaries.js';
import { help } from './probe.js';

export const sweepHelp = `edgetune sweep --model <builtin-id|file.onnx> [options]

Measures latency against token count and finds the staircase's steps and plateaus.
Built-in models: when the whole model is cheap to run (GPUs, small models) it is swept directly;
otherwise one transformer block is swept (all blocks are identical) and the whole encoder predicted
from it, checked against the real encoder at five counts.

  --model ID|FILE     built-in id (see \`edgetune models\`), an ONNX file with a dynamic token axis,
                      or an image-input ViT export (timm/DeiT): the synthetic ViT of its shape is
                      swept and your export timed once beside it at full tokens;
                      with --backend torch also module:factory, file.py:factory or a TorchScript .pt
  --backend NAME      ort (default: onnxruntime) | torch (PyTorch) | trt (TensorRT's trtexec)
  --ep NAME           onnxruntime's provider: auto (default) | cpu | webgpu | cuda | tensorrt | dml | coreml
  --fallback          if the named provider does not work here, use the best one that does
  --device NAME       PyTorch's device: auto (default: cuda, else mps, else cpu) | cpu | cuda | mps
  --dtype NAME        PyTorch / TensorRT precision: fp32 (default) | fp16 | bf16
  --cuda-graphs       PyTorch: capture one CUDA graph per token count and time its replays;
                      TensorRT: trtexec --useCudaGraph
  --python PATH       the python that runs the PyTorch backend (default: EDGETUNE_PYTHON, python3
                      on PATH, then /usr/bin/python3; the first whose torch works)
  --trtexec PATH      TensorRT's trtexec (default: on PATH, or /usr/src/tensorrt/bin)
  --width N           token width of your own PyTorch model, when it has no embed_dim attribute
  --tokens A:B        token counts to sweep (default: 1 to the model's full count)
  --batch N           batch size (default 1)
  --passes N          shuffled passes over the counts (default 4)
  --strategy S        auto (default) | block (sweep one block, predict the model) | whole;
                      with torch and trt, auto is whole on a GPU and block on the CPU
  --skip-validation   do not check the block-based prediction against the whole encoder
  --threads N         onnxruntime intra-op threads, or torch.set_num_threads (default: the runtime's)
  --sm-count N        the GPU's SM (or compute-unit) count for step prediction, when the native
                      probe cannot read it (on the CPU EP this predicts for that GPU anyway)
  --seed S            seed for weights, inputs and visiting order (default 1)
  --out DIR           write the run here (default: a new folder under ~/.edgetune/runs)
  --json              print profile.json to stdout
  --quiet             no progress on stderr`;

export const sweepOptions = {
  model: { type: 'string' },
  backend: { type: 'string' },
  ep: { type: 'string' },
  fallback: { type: 'boolean' },
  device: { type: 'string' },
  dtype: { type: 'string' },
  'cuda-graphs': { type: 'boolean' },
  python: { type: 'string' },
  trtexec: { type: 'string' },
  width: { type: 'string' },
  tokens: { type: 'string' },
  batch: { type: 'string' },
  passes: { type: 'string' },
  strategy: { type: 'string' },
  'skip-validation': { type: 'boolean' },
  threads: { type: 'string' },
  'sm-count': { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

export async function sweepCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('sweep', argv, sweepOptions);
  if (values.help) return help(sweepHelp);
  const model = stringOption(values.model);
  if (!model) throw new UserError('bad-arguments', 'sweep needs --model', 'pass a built-in id such as --model vit-b16 (`edgetune models` lists them) or an ONNX file');
  const output = createOutput(Boolean(values.json), Boolean(values.quiet));
  const run = await RunFolder.create({ kind: 'sweep', label: model, out: stringOption(values.out) });
  const result = await sweepWithProgress(sweepJobOptions(values, model), output, run).catch(async (error: unknown) => {
    await run.finish(error instanceof CancelledError ? 'incomplete' : 'failed', (error as Error).message);
    throw error;
  });
  await run.finish(result.profile.complete ? 'complete' : 'incomplete');
  output.result(result.profile, () => `${formatProfileSummary(result.profile)}\n\nrun folder: ${run.folder}`);
  return result.profile.complete ? 0 : 130;
}

function sweepStrategy(value: string | undefined): SweepStrategy {
  const strategy = value ?? 'auto';
  if (strategy !== 'auto' && strategy !== 'block' && strategy !== 'whole') {
    throw new UserError('bad-arguments', `--strategy ${strategy} is not a sweep strategy`, 'use auto, block or whole');
  }
  return strategy;
}

export function sweepJobOptions(values: Record<string, string | boolean | undefined>, model: string) {
  const ep = stringOption(values.ep) ?? 'auto';
  if (!isExecutionProviderChoice(ep)) {
    throw new UserError('bad-arguments', `--ep ${ep} is not a provider EdgeTune knows`, 'use auto, cpu, webgpu, cuda, tensorrt, dml or coreml');
  }
  return {
    model,
    ep,
    ...runtimeOptions(values),
    fallback: Boolean(values.fallback),
    tokens: stringOption(values.tokens),
    batch: integerOption('batch', stringOption(values.batch), 1, 1, 4096),
    passes: integerOption('passes', stringOption(values.passes), DEFAULT_SWEEP_OPTIONS.passes, 1, 50),
    strategy: sweepStrategy(stringOption(values.strategy)),
    validate: !values['skip-validation'],
    intraOpThreads: values.threads === undefined ? undefined : integerOption('threads', stringOption(values.threads), 1, 1, 1024),
    seed: integerOption('seed', stringOption(values.seed), 1, 0),
    smCount: values['sm-count'] === undefined ? undefined : integerOption('sm-count', stringOption(values['sm-count']), 1, 1, 100_000),
  };
}

/** --backend and the flags that belong to PyTorch and TensorRT; a flag the chosen runtime ignores is an error, not a surprise. */
function runtimeOptions(values: Record<string, string | boolean | undefined>) {
  const backend = stringOption(values.backend) ?? 'ort';
  if (!(SWEEP_BACKENDS as readonly string[]).includes(backend)) {
    throw new UserError('bad-arguments', `--backend ${backend} is not a runtime EdgeTune can time with`, 'use ort (onnxruntime), torch (PyTorch) or trt (TensorRT)');
  }
  const given = (name: string) => values[name] !== undefined && values[name] !== false;
  const onlyFor = (names: string[], runtimes: string[], hint: string) => {
    const misplaced = names.filter(given);
    if (misplaced.length > 0 && !runtimes.includes(backend)) {
      throw new UserError('bad-arguments', `${misplaced.map((name) => `--${name}`).join(', ')} ${misplaced.length > 1 ? 'do' : 'does'} not apply to --backend ${backend}`, hint);
    }
  };
  onlyFor(['ep', 'fallback'], ['ort'], 'onnxruntime\'s --ep picks its provider; PyTorch takes --device, TensorRT always runs on CUDA');
  onlyFor(['device', 'python', 'width'], ['torch'], 'these are PyTorch settings: add --backend torch');
  onlyFor(['dtype', 'cuda-graphs'], ['torch', 'trt'], 'these are PyTorch and TensorRT settings: add --backend torch or --backend trt (onnxruntime runs the fp32 graph)');
  onlyFor(['trtexec'], ['trt'], 'add --backend trt');
  const device = stringOption(values.device) ?? 'auto';
  if (device !== 'auto' && !(TORCH_DEVICES as readonly string[]).includes(device)) {
    throw new UserError('bad-arguments', `--device ${device} is not a PyTorch device EdgeTune knows`, 'use auto, cpu, cuda or mps');
  }
  const dtype = stringOption(values.dtype) ?? 'fp32';
  if (!(TORCH_DTYPES as readonly string[]).includes(dtype)) {
    throw new UserError('bad-arguments', `--dtype ${dtype} is not a precision EdgeTune knows`, 'use fp32, fp16 or bf16');
  }
  if (values['cuda-graphs'] && backend === 'torch' && device !== 'cuda' && device !== 'auto') {
    throw new UserError('bad-arguments', `--cuda-graphs needs a CUDA device, not --device ${device}`, 'use --device cuda, or drop --cuda-graphs');
  }
  return {
    backend: backend as SweepBackend,
    device: device as TorchDevice | 'auto',
    dtype: dtype as TorchDtype,
    cudaGraphs: Boolean(values['cuda-graphs']),
    python: stringOption(values.python),
    trtexec: stringOption(values.trtexec),
    width: values.width === undefined ? undefined : integerOption('width', stringOption(values.width), 768, 1, 65_536),
  };
}
