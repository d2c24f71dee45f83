/**
 * Entry of the child process that calls the native addon. Vulkan drivers and the CUDA driver run
 * their own code when probed; an odd driver that aborts takes down this child, not EdgeTune.
 */
import { loadNativeAddon } from './addon.js';
import { libraryOverrides } from './library-overrides.js';
import type { RawNativeProbe } from './native-probe.js';

const loaded = loadNativeAddon();
let result: RawNativeProbe;
if (!loaded.ok) {
  result = { ok: false, reason: loaded.reason };
} else {
  const { addon } = loaded;
  const libraries = libraryOverrides();
  const nvmlOpen = addon.nvmlOpen(libraries.nvml);
  result = {
    ok: true,
    addonPath: loaded.path,
    vulkan: addon.probeVulkan(libraries.vulkan),
    cuda: addon.probeCuda(libraries.cuda),
    nvmlOpen,
    nvml: nvmlOpen.ok ? addon.nvmlSample() : nvmlOpen,
  };
}
process.stdout.write(JSON.stringify(result));
