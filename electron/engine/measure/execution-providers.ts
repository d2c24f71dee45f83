/** Execution providers EdgeTune knows how to ask onnxruntime for, in the order `--ep auto` prefers them. */
// TensorRT follows CUDA: it needs the CUDA provider's libraries too, so wherever it works CUDA does,
// and CUDA does not rebuild an engine for every new token count.
export const EXECUTION_PROVIDERS = ['cuda', 'tensorrt', 'webgpu', 'dml', 'coreml', 'cpu'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];
export type ExecutionProviderChoice = ExecutionProvider | 'auto';

export function isExecutionProviderChoice(value: string): value is ExecutionProviderChoice {
  return value === 'auto' || (EXECUTION_PROVIDERS as readonly string[]).includes(value);
}

/** Providers that can exist at all on this platform (DirectML is Windows-only, Core ML Apple-only). */
export function providersForPlatform(platform: NodeJS.Platform): ExecutionProvider[] {
  return EXECUTION_PROVIDERS.filter((ep) => {
    if (ep === 'dml') return platform === 'win32';
    if (ep === 'coreml') return platform === 'darwin';
    if (ep === 'cuda' || ep === 'tensorrt') return platform === 'linux' || platform === 'win32';
    return true;
  });
}

/** What to tell a user whose provider is missing or broken. */
export function providerFix(ep: ExecutionProvider): string {
  switch (ep) {
    case 'cuda':
      return 'onnxruntime-node installs the CUDA provider only on request: run `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (needs network access, an NVIDIA driver, CUDA 12 and cuDNN 9; see README "NVIDIA GPUs"), or use --ep webgpu';
    case 'tensorrt':
      return 'onnxruntime-node\'s TensorRT provider comes with its CUDA install: run `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (needs network access, an NVIDIA driver, CUDA 12, cuDNN 9) and put TensorRT 10\'s libraries (libnvinfer.so.10) on the library path; or time with trtexec instead: --backend trt (see README "Other runtimes")';
    case 'webgpu':
      return 'WebGPU needs a real GPU with a Vulkan (Linux), D3D12 (Windows) or Metal (macOS) driver; check `vulkaninfo --summary`, or use --ep cpu';
    case 'dml':
      return 'DirectML needs Windows 10+ with a DirectX 12 GPU driver; or use --ep cpu';
    case 'coreml':
      return 'Core ML needs macOS; or use --ep cpu';
    case 'cpu':
      return 'the CPU provider is part of onnxruntime-node; reinstall it with `npm install`';
  }
}
