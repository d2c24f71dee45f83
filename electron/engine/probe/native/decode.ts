/** Pure decoders from the numbers drivers report to what a person reads. */

const pciVendors: Readonly<Record<number, string>> = {
  0x10de: 'NVIDIA',
  0x1002: 'AMD',
  0x1022: 'AMD',
  0x8086: 'Intel',
  0x13b5: 'Arm',
  0x5143: 'Qualcomm',
  0x1010: 'Imagination',
  0x106b: 'Apple',
  0x14e4: 'Broadcom',
  // Khronos-registered ids of software drivers
  0x10005: 'Mesa',
  0x10004: 'Mesa',
};

export function vendorName(vendorId: number | undefined): string {
  if (vendorId === undefined) return 'unknown';
  return pciVendors[vendorId] ?? `vendor 0x${vendorId.toString(16)}`;
}

const deviceTypes = ['other', 'integrated-gpu', 'discrete-gpu', 'virtual-gpu', 'cpu'] as const;
export type VulkanDeviceType = (typeof deviceTypes)[number];

export function vulkanDeviceType(code: number | undefined): VulkanDeviceType {
  return deviceTypes[code ?? 0] ?? 'other';
}

/** VK_MAKE_API_VERSION layout: variant (3 bits), major (7), minor (10), patch (12). */
export function vulkanVersionText(version: number): string {
  return `${(version >>> 22) & 0x7f}.${(version >>> 12) & 0x3ff}.${version & 0xfff}`;
}

/**
 * Driver versions are vendor-encoded: NVIDIA packs 10.8.8.6 bits, Intel on Windows 18.14 bits,
 * everyone else follows the Vulkan API layout.
 */
export function driverVersionText(vendorId: number | undefined, version: number, platform: NodeJS.Platform = process.platform): string {
  if (vendorId === 0x10de) {
    return `${(version >>> 22) & 0x3ff}.${(version >>> 14) & 0xff}.${(version >>> 6) & 0xff}`;
  }
  if (vendorId === 0x8086 && platform === 'win32') return `${version >>> 14}.${version & 0x3fff}`;
  return vulkanVersionText(version);
}

/** cuDriverGetVersion's 1000·major + 10·minor */
export function cudaVersionText(version: number): string {
  return `${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
}

const clockReasonBits: readonly { bit: number; name: string; slowsMeasurement: boolean }[] = [
  { bit: 0x1, name: 'gpu-idle', slowsMeasurement: false },
  { bit: 0x2, name: 'applications-clocks-setting', slowsMeasurement: false },
  { bit: 0x4, name: 'software-power-cap', slowsMeasurement: true },
  { bit: 0x8, name: 'hardware-slowdown', slowsMeasurement: true },
  { bit: 0x10, name: 'sync-boost', slowsMeasurement: false },
  { bit: 0x20, name: 'software-thermal-slowdown', slowsMeasurement: true },
  { bit: 0x40, name: 'hardware-thermal-slowdown', slowsMeasurement: true },
  { bit: 0x80, name: 'hardware-power-brake', slowsMeasurement: true },
  { bit: 0x100, name: 'display-clock-setting', slowsMeasurement: false },
];

/** NVML's clock-event reason mask as names, and whether any of them slows a running kernel. */
export function decodeClockReasons(mask: number): { reasons: string[]; throttled: boolean } {
  const active = clockReasonBits.filter(({ bit }) => Math.floor(mask / bit) % 2 === 1);
  return { reasons: active.map(({ name }) => name), throttled: active.some(({ slowsMeasurement }) => slowsMeasurement) };
}
