#pragma once
#include <napi.h>

namespace edgetune {
// nvmlOpen(library?: string) → { ok, library, driverVersion, deviceCount } or { ok: false, reason }.
// NVML stays initialised afterwards so that nvmlSample() is cheap enough to call around every sweep point.
Napi::Value nvmlOpen(const Napi::CallbackInfo& info);
// nvmlSample() → { ok, devices: [{ index, name, smClockMHz, memoryClockMHz, temperatureC, powerMw, ... }] }
Napi::Value nvmlSample(const Napi::CallbackInfo& info);
}  // namespace edgetune
