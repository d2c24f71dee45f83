#pragma once
#include <napi.h>

namespace edgetune {
// probeVulkan(library?: string) → { ok, library, instanceVersion, devices[] } or { ok: false, reason }
Napi::Value probeVulkan(const Napi::CallbackInfo& info);
}  // namespace edgetune
