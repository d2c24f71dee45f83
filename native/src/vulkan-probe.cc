#include "vulkan-probe.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "dynamic-library.h"
#include "probe-result.h"
#include "vulkan-declarations.h"

namespace edgetune {

namespace {

struct InstanceFunctions {
  vk::PfnDestroyInstance destroyInstance = nullptr;
  vk::PfnEnumeratePhysicalDevices enumeratePhysicalDevices = nullptr;
  vk::PfnGetPhysicalDeviceProperties getProperties = nullptr;
  vk::PfnGetPhysicalDeviceProperties2 getProperties2 = nullptr;
  vk::PfnGetPhysicalDeviceMemoryProperties getMemoryProperties = nullptr;
  vk::PfnEnumerateDeviceExtensionProperties enumerateDeviceExtensions = nullptr;
};

template <typename Function>
Function instanceFunction(vk::PfnGetInstanceProcAddr getProcAddr, vk::Instance instance, const char* name) {
  return reinterpret_cast<Function>(getProcAddr(instance, name));
}

std::string resultText(vk::Result result) { return "VkResult " + std::to_string(result); }

std::vector<std::string> instanceExtensions(vk::PfnGetInstanceProcAddr getProcAddr) {
  auto enumerate = instanceFunction<vk::PfnEnumerateInstanceExtensionProperties>(
      getProcAddr, nullptr, "vkEnumerateInstanceExtensionProperties");
  std::vector<std::string> names;
  if (enumerate == nullptr) return names;
  uint32_t count = 0;
  if (enumerate(nullptr, &count, nullptr) != vk::kSuccess) return names;
  std::vector<vk::ExtensionProperties> extensions(count);
  if (enumerate(nullptr, &count, extensions.data()) < 0) return names;
  for (uint32_t i = 0; i < count; i++) names.emplace_back(extensions[i].extensionName);
  return names;
}

std::set<std::string> deviceExtensions(const InstanceFunctions& functions, vk::PhysicalDevice device) {
  std::set<std::string> names;
  if (functions.enumerateDeviceExtensions == nullptr) return names;
  uint32_t count = 0;
  if (functions.enumerateDeviceExtensions(device, nullptr, &count, nullptr) != vk::kSuccess) return names;
  std::vector<vk::ExtensionProperties> extensions(count);
  if (functions.enumerateDeviceExtensions(device, nullptr, &count, extensions.data()) < 0) return names;
  for (uint32_t i = 0; i < count; i++) names.insert(extensions[i].extensionName);
  return names;
}

Napi::Array numberArray(Napi::Env env, const uint32_t* values, size_t length) {
  Napi::Array array = Napi::Array::New(env, length);
  for (size_t i = 0; i < length; i++) array.Set(static_cast<uint32_t>(i), Napi::Number::New(env, values[i]));
  return array;
}

Napi::Object computeLimits(Napi::Env env, const vk::PhysicalDeviceLimits& limits) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("maxComputeSharedMemoryBytes", limits.maxComputeSharedMemorySize);
  object.Set("maxComputeWorkGroupInvocations", limits.maxComputeWorkGroupInvocations);
  object.Set("maxComputeWorkGroupSize", numberArray(env, limits.maxComputeWorkGroupSize, 3));
  object.Set("maxComputeWorkGroupCount", numberArray(env, limits.maxComputeWorkGroupCount, 3));
  object.Set("maxStorageBufferRangeBytes", limits.maxStorageBufferRange);
  object.Set("timestampPeriodNs", limits.timestampPeriod);
  object.Set("timestampComputeAndGraphics", limits.timestampComputeAndGraphics != 0);
  return object;
}

Napi::Array memoryHeaps(Napi::Env env, const vk::PhysicalDeviceMemoryProperties& memory) {
  uint32_t count = std::min(memory.memoryHeapCount, vk::kMaxMemoryHeaps);
  Napi::Array heaps = Napi::Array::New(env, count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Object heap = Napi::Object::New(env);
    heap.Set("sizeBytes", static_cast<double>(memory.memoryHeaps[i].size));
    heap.Set("deviceLocal", (memory.memoryHeaps[i].flags & vk::kMemoryHeapDeviceLocal) != 0);
    heaps.Set(i, heap);
  }
  return heaps;
}

// The extended structures a device may fill, linked only when the device says it has them:
// chaining an unknown structure is undefined behaviour for some drivers.
struct ExtendedProperties {
  vk::PhysicalDeviceProperties2 properties2{};
  vk::PhysicalDeviceSubgroupProperties subgroup{};
  vk::PhysicalDeviceShaderSmBuiltinsPropertiesNv nvidiaSm{};
  vk::PhysicalDeviceShaderCorePropertiesAmd amdCore{};
  vk::PhysicalDeviceShaderCoreProperties2Amd amdCore2{};
  vk::PhysicalDeviceDriverProperties driver{};
  bool hasSubgroup = false;
  bool hasNvidiaSm = false;
  bool hasAmdCore = false;
  bool hasAmdCore2 = false;
  bool hasDriver = false;

  template <typename Structure>
  void attach(Structure& structure, vk::StructureType type) {
    structure.sType = type;
    structure.pNext = properties2.pNext;
    properties2.pNext = &structure;
  }

  void prepare(uint32_t deviceApiVersion, const std::set<std::string>& extensions) {
    properties2.sType = vk::kPhysicalDeviceProperties2;
    hasSubgroup = deviceApiVersion >= vk::makeApiVersion(1, 1);
    hasDriver = deviceApiVersion >= vk::makeApiVersion(1, 2) || extensions.count("VK_KHR_driver_properties") > 0;
    hasNvidiaSm = extensions.count("VK_NV_shader_sm_builtins") > 0;
    hasAmdCore = extensions.count("VK_AMD_shader_core_properties") > 0;
    hasAmdCore2 = extensions.count("VK_AMD_shader_core_properties2") > 0;
    if (hasSubgroup) attach(subgroup, vk::kPhysicalDeviceSubgroupProperties);
    if (hasDriver) attach(driver, vk::kPhysicalDeviceDriverProperties);
    if (hasNvidiaSm) attach(nvidiaSm, vk::kPhysicalDeviceShaderSmBuiltinsPropertiesNv);
    if (hasAmdCore) attach(amdCore, vk::kPhysicalDeviceShaderCorePropertiesAmd);
    if (hasAmdCore2) attach(amdCore2, vk::kPhysicalDeviceShaderCoreProperties2Amd);
  }
};

void describeExtended(FactSheet& sheet, const ExtendedProperties& extended) {
  Napi::Env env = sheet.env();
  if (extended.hasSubgroup) {
    sheet.setNumber("subgroupSize", extended.subgroup.subgroupSize);
  } else {
    sheet.miss("subgroupSize", "the device reports Vulkan 1.0, which has no subgroup properties");
  }
  if (extended.hasDriver) {
    sheet.setNumber("driverId", extended.driver.driverID);
    sheet.setString("driverName", std::string(extended.driver.driverName, strnlen(extended.driver.driverName, vk::kMaxNameSize)));
    sheet.setString("driverInfo", std::string(extended.driver.driverInfo, strnlen(extended.driver.driverInfo, vk::kMaxNameSize)));
  } else {
    sheet.miss("driverName", "neither Vulkan 1.2 nor VK_KHR_driver_properties on this device");
  }
  if (extended.hasNvidiaSm) {
    Napi::Object nvidia = Napi::Object::New(env);
    nvidia.Set("smCount", extended.nvidiaSm.shaderSMCount);
    nvidia.Set("warpsPerSm", extended.nvidiaSm.shaderWarpsPerSM);
    sheet.set("nvidiaShaderCores", nvidia);
  }
  if (extended.hasAmdCore) {
    const auto& core = extended.amdCore;
    Napi::Object amd = Napi::Object::New(env);
    amd.Set("shaderEngineCount", core.shaderEngineCount);
    amd.Set("shaderArraysPerEngine", core.shaderArraysPerEngineCount);
    amd.Set("computeUnitsPerShaderArray", core.computeUnitsPerShaderArray);
    amd.Set("simdPerComputeUnit", core.simdPerComputeUnit);
    amd.Set("wavefrontsPerSimd", core.wavefrontsPerSimd);
    amd.Set("wavefrontSize", core.wavefrontSize);
    if (extended.hasAmdCore2) amd.Set("activeComputeUnitCount", extended.amdCore2.activeComputeUnitCount);
    sheet.set("amdShaderCores", amd);
  }
}

Napi::Object describeDevice(Napi::Env env, const InstanceFunctions& functions, vk::PhysicalDevice device,
                            bool canQueryProperties2) {
  FactSheet sheet(env);
  vk::PhysicalDeviceProperties properties{};
  functions.getProperties(device, &properties);
  std::set<std::string> extensions = deviceExtensions(functions, device);

  ExtendedProperties extended;
  if (canQueryProperties2) {
    extended.prepare(properties.apiVersion, extensions);
    functions.getProperties2(device, &extended.properties2);
    properties = extended.properties2.properties;
  }

  sheet.setString("name", std::string(properties.deviceName, strnlen(properties.deviceName, vk::kMaxNameSize)));
  sheet.setNumber("vendorId", properties.vendorID);
  sheet.setNumber("deviceId", properties.deviceID);
  sheet.setNumber("deviceType", properties.deviceType);
  sheet.setNumber("apiVersion", properties.apiVersion);
  sheet.setNumber("driverVersion", properties.driverVersion);
  sheet.set("computeLimits", computeLimits(env, properties.limits));

  if (functions.getMemoryProperties != nullptr) {
    vk::PhysicalDeviceMemoryProperties memory{};
    functions.getMemoryProperties(device, &memory);
    sheet.set("memoryHeaps", memoryHeaps(env, memory));
  } else {
    sheet.miss("memoryHeaps", "vkGetPhysicalDeviceMemoryProperties not found");
  }

  if (canQueryProperties2) {
    describeExtended(sheet, extended);
  } else {
    sheet.miss("subgroupSize", "the Vulkan loader offers no vkGetPhysicalDeviceProperties2");
  }
  if (!extended.hasNvidiaSm) sheet.miss("nvidiaShaderCores", "VK_NV_shader_sm_builtins not offered by this device");
  if (!extended.hasAmdCore) sheet.miss("amdShaderCores", "VK_AMD_shader_core_properties not offered by this device");
  return sheet.finish();
}

}  // namespace

Napi::Value probeVulkan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DynamicLibrary library;
  if (!library.open(libraryCandidates(info, vulkanLibraryNames()))) {
    return unavailable(env, "no Vulkan loader: " + library.error());
  }
  vk::PfnGetInstanceProcAddr getProcAddr = nullptr;
  if (!library.bind(getProcAddr, "vkGetInstanceProcAddr")) {
    return unavailable(env, library.path() + " has no vkGetInstanceProcAddr: not a Vulkan loader");
  }

  uint32_t instanceVersion = vk::makeApiVersion(1, 0);
  auto enumerateVersion = instanceFunction<vk::PfnEnumerateInstanceVersion>(getProcAddr, nullptr, "vkEnumerateInstanceVersion");
  if (enumerateVersion != nullptr) enumerateVersion(&instanceVersion);

  std::vector<std::string> available = instanceExtensions(getProcAddr);
  auto offers = [&available](const char* name) { return std::find(available.begin(), available.end(), name) != available.end(); };
  std::vector<const char*> enabled;
  bool properties2ByExtension = instanceVersion < vk::makeApiVersion(1, 1) && offers("VK_KHR_get_physical_device_properties2");
  if (properties2ByExtension) enabled.push_back("VK_KHR_get_physical_device_properties2");
  // MoltenVK and other layered drivers are only listed when the application asks for them.
  bool portability = offers("VK_KHR_portability_enumeration");
  if (portability) enabled.push_back("VK_KHR_portability_enumeration");

  vk::ApplicationInfo application{};
  application.sType = vk::kApplicationInfo;
  application.pApplicationName = "edgetune-probe";
  application.pEngineName = "edgetune";
  application.apiVersion = std::min(instanceVersion, vk::makeApiVersion(1, 3));
  vk::InstanceCreateInfo create{};
  create.sType = vk::kInstanceCreateInfo;
  create.flags = portability ? vk::kInstanceCreateEnumeratePortability : 0;
  create.pApplicationInfo = &application;
  create.enabledExtensionCount = static_cast<uint32_t>(enabled.size());
  create.ppEnabledExtensionNames = enabled.data();

  auto createInstance = instanceFunction<vk::PfnCreateInstance>(getProcAddr, nullptr, "vkCreateInstance");
  if (createInstance == nullptr) return unavailable(env, "the Vulkan loader has no vkCreateInstance");
  vk::Instance instance = nullptr;
  vk::Result created = createInstance(&create, nullptr, &instance);
  if (created != vk::kSuccess) {
    return unavailable(env, "vkCreateInstance failed (" + resultText(created) + "): no usable Vulkan driver (ICD) is installed");
  }

  InstanceFunctions functions;
  functions.destroyInstance = instanceFunction<vk::PfnDestroyInstance>(getProcAddr, instance, "vkDestroyInstance");
  functions.enumeratePhysicalDevices = instanceFunction<vk::PfnEnumeratePhysicalDevices>(getProcAddr, instance, "vkEnumeratePhysicalDevices");
  functions.getProperties = instanceFunction<vk::PfnGetPhysicalDeviceProperties>(getProcAddr, instance, "vkGetPhysicalDeviceProperties");
  functions.getProperties2 = instanceFunction<vk::PfnGetPhysicalDeviceProperties2>(
      getProcAddr, instance, properties2ByExtension ? "vkGetPhysicalDeviceProperties2KHR" : "vkGetPhysicalDeviceProperties2");
  functions.getMemoryProperties = instanceFunction<vk::PfnGetPhysicalDeviceMemoryProperties>(getProcAddr, instance, "vkGetPhysicalDeviceMemoryProperties");
  functions.enumerateDeviceExtensions = instanceFunction<vk::PfnEnumerateDeviceExtensionProperties>(getProcAddr, instance, "vkEnumerateDeviceExtensionProperties");

  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", true);
  result.Set("library", library.path());
  result.Set("instanceVersion", instanceVersion);

  std::vector<vk::PhysicalDevice> devices;
  if (functions.enumeratePhysicalDevices != nullptr && functions.getProperties != nullptr) {
    uint32_t count = 0;
    vk::Result listed = functions.enumeratePhysicalDevices(instance, &count, nullptr);
    if (listed == vk::kSuccess) {
      devices.resize(count);
      listed = functions.enumeratePhysicalDevices(instance, &count, devices.data());
      devices.resize(listed >= 0 ? count : 0);
    }
    if (listed < 0) result.Set("reason", "vkEnumeratePhysicalDevices failed (" + resultText(listed) + ")");
  } else {
    result.Set("reason", "the Vulkan loader lacks vkEnumeratePhysicalDevices or vkGetPhysicalDeviceProperties");
  }

  bool canQueryProperties2 = functions.getProperties2 != nullptr &&
                             (instanceVersion >= vk::makeApiVersion(1, 1) || properties2ByExtension);
  Napi::Array list = Napi::Array::New(env, devices.size());
  for (size_t i = 0; i < devices.size(); i++) {
    list.Set(static_cast<uint32_t>(i), describeDevice(env, functions, devices[i], canQueryProperties2));
  }
  result.Set("devices", list);
  if (functions.destroyInstance != nullptr) functions.destroyInstance(instance, nullptr);
  return result;
}

}  // namespace edgetune
