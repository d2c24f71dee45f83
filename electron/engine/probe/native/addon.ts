import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorText } from '../../errors.js';
import type { RawCudaProbe, RawNvmlOpen, RawNvmlSample, RawVulkanProbe } from './raw-types.js';

/** The functions native/src/addon.cc exports. */
export interface NativeAddon {
  probeVulkan(library?: string): RawVulkanProbe;
  probeCuda(library?: string): RawCudaProbe;
  nvmlOpen(library?: string): RawNvmlOpen;
  nvmlSample(): RawNvmlSample;
  abiVersion: number;
}

export type AddonLoad = { ok: true; addon: NativeAddon; path: string } | { ok: false; reason: string };

/** Where `npm install` builds the addon, and where the build script records why it could not. */
export function nativeFolder(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    if (existsSync(path.join(folder, 'native', 'binding.gyp'))) return path.join(folder, 'native');
    folder = path.dirname(folder);
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../native');
}

export const BUILD_FAILURE_FILE = 'build-failure.txt';

let cached: AddonLoad | undefined;

/**
 * Loads the addon once per process. It is optional: any failure becomes a reason the probe shows
 * ("native probe unavailable: …"). EDGETUNE_NATIVE_ADDON points at another build (or at nothing).
 */
export function loadNativeAddon(): AddonLoad {
  if (cached) return cached;
  const folder = nativeFolder();
  const addonPath = process.env.EDGETUNE_NATIVE_ADDON ?? path.join(folder, 'build', 'Release', 'edgetune_native.node');
  if (!existsSync(addonPath)) {
    const failureFile = path.join(folder, BUILD_FAILURE_FILE);
    const buildFailure = existsSync(failureFile) ? readFileSync(failureFile, 'utf8').trim() : '';
    cached = {
      ok: false,
      reason: buildFailure
        ? `the addon failed to build at install time: ${buildFailure}`
        : `${addonPath} does not exist (build it with \`npm run build:native\`)`,
    };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
    cached = { ok: true, addon, path: addonPath };
  } catch (error) {
    cached = { ok: false, reason: `${addonPath} could not be loaded: ${errorText(error)} (rebuild it with \`npm run build:native\`)` };
  }
  return cached;
}
