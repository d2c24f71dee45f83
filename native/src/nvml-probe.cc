#include "nvml-probe.h"

#include <string>

#include "dynamic-library.h"
#include "probe-result.h"

namespace edgetune {

namespace {

// nvmlReturn_t and enum values as nvml.h defines them.
using NvmlReturn = int;
using NvmlDevice = struct NvmlDeviceHandle*;
constexpr NvmlReturn kNvmlSuccess = 0;
constexpr int kClockGraphics = 0;
constexpr int kClockSm = 1;
constexpr int kClockMemory = 2;
constexpr int kTemperatureGpu = 0;

struct NvmlUtilization {
  unsigned int gpu;
  unsigned int memory;
};

struct NvmlFunctions {
  NvmlReturn (*init)() = nullptr;
  const char* (*errorString)(NvmlReturn) = nullptr;
  NvmlReturn (*systemGetDriverVersion)(char*, unsigned int) = nullptr;
  NvmlReturn (*deviceGetCount)(unsigned int*) = nullptr;
  NvmlReturn (*deviceGetHandleByIndex)(unsigned int, NvmlDevice*) = nullptr;
  NvmlReturn (*deviceGetName)(NvmlDevice, char*, unsigned int) = nullptr;
  NvmlReturn (*deviceGetClockInfo)(NvmlDevice, int, unsigned int*) = nullptr;
  NvmlReturn (*deviceGetMaxClockInfo)(NvmlDevice, int, unsigned int*) = nullptr;
  NvmlReturn (*deviceGetTemperature)(NvmlDevice, int, unsigned int*) = nullptr;
  NvmlReturn (*deviceGetPowerUsage)(NvmlDevice, unsigned int*) = nullptr;
  NvmlReturn (*deviceGetEnforcedPowerLimit)(NvmlDevice, unsigned int*) = nullptr;
  NvmlReturn (*deviceGetClockReasons)(NvmlDevice, unsigned long long*) = nullptr;
  NvmlReturn (*deviceGetUtilizationRates)(NvmlDevice, NvmlUtilization*) = nullptr;
  NvmlReturn (*deviceGetPerformanceState)(NvmlDevice, int*) = nullptr;

  std::string describe(NvmlReturn result) const {
    std::string code = "nvmlReturn " + std::to_string(result);
    const char* text = errorString != nullptr ? errorString(result) : nullptr;
    return text != nullptr ? std::string(text) + " (" + code + ")" : code;
  }
};

struct NvmlSession {
  DynamicLibrary library;
  NvmlFunctions nvml;
  bool ready = false;
  std::string failure = "nvmlOpen() has not been called";
};

NvmlSession& session() {
  static NvmlSession instance;
  return instance;
}

bool bindAll(NvmlSession& state, std::string& missing) {
  const DynamicLibrary& library = state.library;
  NvmlFunctions& nvml = state.nvml;
  auto need = [&](auto& target, const char* name) {
    if (!library.bind(target, name)) missing += missing.empty() ? name : std::string(", ") + name;
  };
  need(nvml.init, "nvmlInit_v2");
  need(nvml.deviceGetCount, "nvmlDeviceGetCount_v2");
  need(nvml.deviceGetHandleByIndex, "nvmlDeviceGetHandleByIndex_v2");
  library.bind(nvml.errorString, "nvmlErrorString");
  library.bind(nvml.systemGetDriverVersion, "nvmlSystemGetDriverVersion");
  library.bind(nvml.deviceGetName, "nvmlDeviceGetName");
  library.bind(nvml.deviceGetClockInfo, "nvmlDeviceGetClockInfo");
  library.bind(nvml.deviceGetMaxClockInfo, "nvmlDeviceGetMaxClockInfo");
  library.bind(nvml.deviceGetTemperature, "nvmlDeviceGetTemperature");
  library.bind(nvml.deviceGetPowerUsage, "nvmlDeviceGetPowerUsage");
  library.bind(nvml.deviceGetEnforcedPowerLimit, "nvmlDeviceGetEnforcedPowerLimit");
  library.bind(nvml.deviceGetUtilizationRates, "nvmlDeviceGetUtilizationRates");
  library.bind(nvml.deviceGetPerformanceState, "nvmlDeviceGetPerformanceState");
  // Renamed in newer drivers; the old name is kept as an alias, so try the new one first.
  if (!library.bind(nvml.deviceGetClockReasons, "nvmlDeviceGetCurrentClocksEventReasons")) {
    library.bind(nvml.deviceGetClockReasons, "nvmlDeviceGetCurrentClocksThrottleReasons");
  }
  return missing.empty();
}

// Reads one unsigned value; a missing entry point or a failing call becomes a reason, never a crash.
template <typename Read>
void readValue(FactSheet& sheet, const NvmlFunctions& nvml, const char* field, bool bound, Read read) {
  if (!bound) {
    sheet.miss(field, "not offered by this NVML");
    return;
  }
  unsigned int value = 0;
  NvmlReturn result = read(&value);
  if (result == kNvmlSuccess) sheet.setNumber(field, value);
  else sheet.miss(field, nvml.describe(result));
}

Napi::Object sampleDevice(Napi::Env env, const NvmlFunctions& nvml, unsigned int index) {
  FactSheet sheet(env);
  sheet.setNumber("index", index);
  NvmlDevice device = nullptr;
  NvmlReturn handle = nvml.deviceGetHandleByIndex(index, &device);
  if (handle != kNvmlSuccess) {
    sheet.miss("name", "nvmlDeviceGetHandleByIndex failed: " + nvml.describe(handle));
    return sheet.finish();
  }
  if (nvml.deviceGetName != nullptr) {
    char name[96] = {0};
    NvmlReturn named = nvml.deviceGetName(device, name, sizeof(name));
    if (named == kNvmlSuccess) sheet.setString("name", name);
    else sheet.miss("name", nvml.describe(named));
  }
  bool clocks = nvml.deviceGetClockInfo != nullptr;
  bool maxClocks = nvml.deviceGetMaxClockInfo != nullptr;
  readValue(sheet, nvml, "smClockMHz", clocks, [&](unsigned int* v) { return nvml.deviceGetClockInfo(device, kClockSm, v); });
  readValue(sheet, nvml, "graphicsClockMHz", clocks, [&](unsigned int* v) { return nvml.deviceGetClockInfo(device, kClockGraphics, v); });
  readValue(sheet, nvml, "memoryClockMHz", clocks, [&](unsigned int* v) { return nvml.deviceGetClockInfo(device, kClockMemory, v); });
  readValue(sheet, nvml, "maxSmClockMHz", maxClocks, [&](unsigned int* v) { return nvml.deviceGetMaxClockInfo(device, kClockSm, v); });
  readValue(sheet, nvml, "maxMemoryClockMHz", maxClocks, [&](unsigned int* v) { return nvml.deviceGetMaxClockInfo(device, kClockMemory, v); });
  readValue(sheet, nvml, "temperatureC", nvml.deviceGetTemperature != nullptr,
            [&](unsigned int* v) { return nvml.deviceGetTemperature(device, kTemperatureGpu, v); });
  readValue(sheet, nvml, "powerMw", nvml.deviceGetPowerUsage != nullptr, [&](unsigned int* v) { return nvml.deviceGetPowerUsage(device, v); });
  readValue(sheet, nvml, "powerLimitMw", nvml.deviceGetEnforcedPowerLimit != nullptr,
            [&](unsigned int* v) { return nvml.deviceGetEnforcedPowerLimit(device, v); });
  readValue(sheet, nvml, "performanceState", nvml.deviceGetPerformanceState != nullptr, [&](unsigned int* v) {
    int state = 0;
    NvmlReturn result = nvml.deviceGetPerformanceState(device, &state);
    *v = static_cast<unsigned int>(state);
    return result;
  });

  if (nvml.deviceGetUtilizationRates != nullptr) {
    NvmlUtilization utilization{};
    NvmlReturn used = nvml.deviceGetUtilizationRates(device, &utilization);
    if (used == kNvmlSuccess) {
      sheet.setNumber("utilizationGpuPct", utilization.gpu);
      sheet.setNumber("utilizationMemoryPct", utilization.memory);
    } else {
      sheet.miss("utilizationGpuPct", nvml.describe(used));
    }
  }
  if (nvml.deviceGetClockReasons != nullptr) {
    unsigned long long reasons = 0;
    NvmlReturn read = nvml.deviceGetClockReasons(device, &reasons);
    if (read == kNvmlSuccess) sheet.setNumber("clockReasons", static_cast<double>(reasons));
    else sheet.miss("clockReasons", nvml.describe(read));
  } else {
    sheet.miss("clockReasons", "not offered by this NVML");
  }
  return sheet.finish();
}

}  // namespace

Napi::Value nvmlOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  NvmlSession& state = session();
  if (!state.ready) {
    std::vector<std::string> candidates = libraryCandidates(info, nvmlLibraryNames());
    if (candidates.empty()) return unavailable(env, "NVML does not exist on this platform");
    if (!state.library.open(candidates)) {
      state.failure = "no NVML library: " + state.library.error();
      return unavailable(env, state.failure);
    }
    std::string missing;
    if (!bindAll(state, missing)) {
      state.failure = state.library.path() + " lacks " + missing + ": not NVML, or one too old";
      state.library.close();
      return unavailable(env, state.failure);
    }
    NvmlReturn initialised = state.nvml.init();
    if (initialised != kNvmlSuccess) {
      state.failure = "nvmlInit failed: " + state.nvml.describe(initialised);
      state.library.close();
      return unavailable(env, state.failure);
    }
    state.ready = true;
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", true);
  result.Set("library", state.library.path());
  if (state.nvml.systemGetDriverVersion != nullptr) {
    char version[96] = {0};
    if (state.nvml.systemGetDriverVersion(version, sizeof(version)) == kNvmlSuccess) result.Set("driverVersion", version);
  }
  unsigned int count = 0;
  NvmlReturn counted = state.nvml.deviceGetCount(&count);
  if (counted == kNvmlSuccess) result.Set("deviceCount", count);
  else result.Set("reason", "nvmlDeviceGetCount failed: " + state.nvml.describe(counted));
  return result;
}

Napi::Value nvmlSample(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  NvmlSession& state = session();
  if (!state.ready) return unavailable(env, state.failure);
  unsigned int count = 0;
  NvmlReturn counted = state.nvml.deviceGetCount(&count);
  if (counted != kNvmlSuccess) return unavailable(env, "nvmlDeviceGetCount failed: " + state.nvml.describe(counted));
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", true);
  Napi::Array devices = Napi::Array::New(env, count);
  for (unsigned int i = 0; i < count; i++) devices.Set(i, sampleDevice(env, state.nvml, i));
  result.Set("devices", devices);
  return result;
}

}  // namespace edgetune
