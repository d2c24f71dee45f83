#include "cuda-probe.h"

#include <string>

#include "dynamic-library.h"
#include "probe-result.h"

#if defined(_WIN32) && !defined(_WIN64)
#define EDGETUNE_CUDAAPI __stdcall
#else
#define EDGETUNE_CUDAAPI
#endif

namespace edgetune {

namespace {

// CUresult, CUdevice and CUdevice_attribute values as cuda.h defines them.
using CuResult = int;
using CuDevice = int;
constexpr CuResult kCudaSuccess = 0;

struct CudaAttribute {
  const char* field;
  int id;
};

constexpr CudaAttribute kAttributes[] = {
    {"smCount", 16},
    {"smClockKHz", 13},
    {"memoryClockKHz", 36},
    {"memoryBusWidthBits", 37},
    {"l2CacheBytes", 38},
    {"maxThreadsPerSm", 39},
    {"maxSharedMemoryPerSmBytes", 81},
    {"maxRegistersPerSm", 82},
    {"maxBlocksPerSm", 106},
    {"warpSize", 10},
    {"integrated", 18},
    {"pciBusId", 33},
};
constexpr int kComputeCapabilityMajor = 75;
constexpr int kComputeCapabilityMinor = 76;

struct CudaFunctions {
  CuResult(EDGETUNE_CUDAAPI* init)(unsigned int) = nullptr;
  CuResult(EDGETUNE_CUDAAPI* driverGetVersion)(int*) = nullptr;
  CuResult(EDGETUNE_CUDAAPI* deviceGetCount)(int*) = nullptr;
  CuResult(EDGETUNE_CUDAAPI* deviceGet)(CuDevice*, int) = nullptr;
  CuResult(EDGETUNE_CUDAAPI* deviceGetName)(char*, int, CuDevice) = nullptr;
  CuResult(EDGETUNE_CUDAAPI* deviceGetAttribute)(int*, int, CuDevice) = nullptr;
  CuResult(EDGETUNE_CUDAAPI* deviceTotalMem)(size_t*, CuDevice) = nullptr;
  CuResult(EDGETUNE_CUDAAPI* getErrorString)(CuResult, const char**) = nullptr;

  bool bind(const DynamicLibrary& library, std::string& missing) {
    auto need = [&](auto& target, const char* name) {
      if (!library.bind(target, name)) missing += missing.empty() ? name : std::string(", ") + name;
    };
    need(init, "cuInit");
    need(driverGetVersion, "cuDriverGetVersion");
    need(deviceGetCount, "cuDeviceGetCount");
    need(deviceGet, "cuDeviceGet");
    need(deviceGetName, "cuDeviceGetName");
    need(deviceGetAttribute, "cuDeviceGetAttribute");
    need(deviceTotalMem, "cuDeviceTotalMem_v2");
    library.bind(getErrorString, "cuGetErrorString");
    return missing.empty();
  }

  std::string describe(CuResult result) const {
    const char* text = nullptr;
    if (getErrorString != nullptr && getErrorString(result, &text) == kCudaSuccess && text != nullptr) {
      return std::string(text) + " (CUresult " + std::to_string(result) + ")";
    }
    return "CUresult " + std::to_string(result);
  }
};

Napi::Object describeDevice(Napi::Env env, const CudaFunctions& cuda, int index) {
  FactSheet sheet(env);
  sheet.setNumber("index", index);
  CuDevice device = 0;
  CuResult got = cuda.deviceGet(&device, index);
  if (got != kCudaSuccess) {
    sheet.miss("name", "cuDeviceGet failed: " + cuda.describe(got));
    return sheet.finish();
  }
  char name[256] = {0};
  CuResult named = cuda.deviceGetName(name, sizeof(name) - 1, device);
  if (named == kCudaSuccess) sheet.setString("name", name);
  else sheet.miss("name", cuda.describe(named));

  for (const CudaAttribute& attribute : kAttributes) {
    int value = 0;
    CuResult read = cuda.deviceGetAttribute(&value, attribute.id, device);
    if (read == kCudaSuccess) sheet.setNumber(attribute.field, value);
    else sheet.miss(attribute.field, cuda.describe(read));
  }
  int major = 0;
  int minor = 0;
  CuResult readMajor = cuda.deviceGetAttribute(&major, kComputeCapabilityMajor, device);
  CuResult readMinor = cuda.deviceGetAttribute(&minor, kComputeCapabilityMinor, device);
  if (readMajor == kCudaSuccess && readMinor == kCudaSuccess) {
    sheet.setString("computeCapability", std::to_string(major) + "." + std::to_string(minor));
  } else {
    sheet.miss("computeCapability", cuda.describe(readMajor != kCudaSuccess ? readMajor : readMinor));
  }
  size_t totalBytes = 0;
  CuResult memory = cuda.deviceTotalMem(&totalBytes, device);
  if (memory == kCudaSuccess) sheet.setNumber("totalMemoryBytes", static_cast<double>(totalBytes));
  else sheet.miss("totalMemoryBytes", cuda.describe(memory));
  return sheet.finish();
}

}  // namespace

Napi::Value probeCuda(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> candidates = libraryCandidates(info, cudaLibraryNames());
  if (candidates.empty()) return unavailable(env, "the CUDA driver API does not exist on this platform");
  DynamicLibrary library;
  if (!library.open(candidates)) return unavailable(env, "no CUDA driver: " + library.error());
  CudaFunctions cuda;
  std::string missing;
  if (!cuda.bind(library, missing)) {
    return unavailable(env, library.path() + " lacks " + missing + ": not a CUDA driver library, or one too old");
  }
  CuResult initialised = cuda.init(0);
  if (initialised != kCudaSuccess) {
    return unavailable(env, "cuInit failed: " + cuda.describe(initialised) + " (driver installed but no usable GPU, or the kernel module is not loaded)");
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", true);
  result.Set("library", library.path());
  int driverVersion = 0;
  if (cuda.driverGetVersion(&driverVersion) == kCudaSuccess) result.Set("driverVersion", driverVersion);
  int count = 0;
  CuResult counted = cuda.deviceGetCount(&count);
  if (counted != kCudaSuccess) {
    result.Set("reason", "cuDeviceGetCount failed: " + cuda.describe(counted));
    count = 0;
  }
  Napi::Array devices = Napi::Array::New(env, count);
  for (int i = 0; i < count; i++) devices.Set(static_cast<uint32_t>(i), describeDevice(env, cuda, i));
  result.Set("devices", devices);
  // Unloading the CUDA driver after cuInit is not supported.
  library.keepLoaded();
  return result;
}

}  // namespace edgetune
