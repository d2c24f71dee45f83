// EdgeTune's native probe: GPU facts that JavaScript libraries cannot see (SM and compute-unit
// counts, clocks, L2, throttling). Every GPU library is opened at run time; none is linked.
#include <napi.h>

#include "cuda-probe.h"
#include "nvml-probe.h"
#include "vulkan-probe.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("probeVulkan", Napi::Function::New(env, edgetune::probeVulkan, "probeVulkan"));
  exports.Set("probeCuda", Napi::Function::New(env, edgetune::probeCuda, "probeCuda"));
  exports.Set("nvmlOpen", Napi::Function::New(env, edgetune::nvmlOpen, "nvmlOpen"));
  exports.Set("nvmlSample", Napi::Function::New(env, edgetune::nvmlSample, "nvmlSample"));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace

NODE_API_MODULE(edgetune_native, Init)
