/**
 * The JSON-lines protocol between EdgeTune and resources/torch/edgetune_torch_backend.py (the
 * script's header documents the same protocol). One request per line on the script's stdin, one
 * reply per line on its stdout, in order; the script's stderr is free text kept for error messages.
 */
export const TORCH_PROTOCOL_VERSION = 1;

export type TorchDevice = 'cpu' | 'cuda' | 'mps';
export type TorchDtype = 'fp32' | 'fp16' | 'bf16';

export const TORCH_DEVICES: readonly TorchDevice[] = ['cpu', 'cuda', 'mps'];
export const TORCH_DTYPES: readonly TorchDtype[] = ['fp32', 'fp16', 'bf16'];

/** One weight tensor in the float32 file a built-in model's weights travel in. */
export interface TorchWeightTensor {
  /** timm's parameter name, e.g. 'blocks.0.attn.qkv.weight' */
  name: string;
  shape: number[];
  /** where the tensor starts, in float32 values from the start of the file */
  offset: number;
  /** an [in, out] matrix (EdgeTune's MatMul layout) that nn.Linear keeps as [out, in] */
  transpose: boolean;
}

export type TorchModelSpec =
  | {
      kind: 'vit';
      part: 'block' | 'encoder';
      width: number;
      heads: number;
      mlpRatio: number;
      blocks: number;
      layerScale: boolean;
      classes: number;
      layerNormEpsilon: number;
      weightsFile: string;
      tensors: TorchWeightTensor[];
    }
  /** `package.module:factory` or `path/to/file.py:factory`; the factory returns an nn.Module */
  | { kind: 'module'; spec: string; width: number | null }
  | { kind: 'torchscript'; path: string; width: number | null };

export type TorchRequest =
  | { op: 'hello' }
  | {
      op: 'load';
      model: TorchModelSpec;
      device: TorchDevice;
      dtype: TorchDtype;
      cudaGraphs: boolean;
      batch: number;
      seed: number;
      threads: number | null;
    }
  | { op: 'prepare'; tokens: number }
  | { op: 'time'; tokens: number; iterations: number }
  | { op: 'forward'; tokens: number; inputFile: string; outputFile: string }
  | { op: 'close' };

export interface TorchCudaDevice {
  index: number;
  name: string;
  capability: string;
  memoryBytes: number;
  smCount: number;
}

export interface TorchCudaFacts {
  built: boolean;
  available: boolean;
  version: string | null;
  cudnn: string | null;
  devices: TorchCudaDevice[];
  /** why CUDA is unavailable */
  reason: string | null;
}

/** What `hello` reports: the interpreter, and torch with its devices when it imports. */
export interface TorchFacts {
  protocol: number;
  python: string;
  executable: string;
  platform: string;
  torch: string | null;
  torchError: string | null;
  threads?: number;
  /** the BLAS torch was built against (its BLAS_INFO: mkl, open, generic, …) */
  blas?: string | null;
  /** torch.nn.functional.scaled_dot_product_attention exists (torch ≥ 2.0): the ViT uses it */
  sdpa?: boolean;
  cuda?: TorchCudaFacts;
  mps?: { built: boolean; available: boolean };
}

export interface TorchLoadResult {
  width: number;
  parameters: number;
  /** 'sdpa' or 'matmul-softmax' for built-in models; null for the user's own */
  attention: string | null;
  deviceName: string;
  dtype: TorchDtype;
}

export interface TorchReplies {
  hello: TorchFacts;
  load: TorchLoadResult;
  prepare: { captured: boolean; captureMs?: number };
  time: { timesMs: number[] };
  forward: { shape: number[] };
  close: Record<string, never>;
}

export type TorchErrorKind = 'no-torch' | 'device-unavailable' | 'bad-request' | 'load-failed' | 'run-failed';

export interface TorchRemoteError {
  kind: TorchErrorKind;
  message: string;
  fix?: string;
}

export type TorchReply = ({ id: number; ok: true } & Record<string, unknown>) | { id: number | null; ok: false; error: TorchRemoteError };
