/** Where a user's GPU libraries live when the loader cannot find them by their usual names. */
export function libraryOverrides(env: NodeJS.ProcessEnv = process.env): { vulkan?: string; cuda?: string; nvml?: string } {
  return {
    vulkan: env.EDGETUNE_VULKAN_LIBRARY || undefined,
    cuda: env.EDGETUNE_CUDA_LIBRARY || undefined,
    nvml: env.EDGETUNE_NVML_LIBRARY || undefined,
  };
}
