#pragma once
#include <napi.h>

namespace edgetune {
// probeCuda(library?: string) → { ok, library, driverVersion, devices[] } or { ok: false, reason }
Napi::Value probeCuda(const Napi::CallbackInfo& info);
}  // namespace edgetune
