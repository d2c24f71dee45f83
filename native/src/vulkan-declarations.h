// The few Vulkan 1.0–1.2 structures and entry points the probe uses, declared from the Vulkan
// specification so that no Vulkan SDK is needed to build. Layouts are checked by static_assert
// against the sizes the official headers give on 64-bit platforms.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(_WIN32) && !defined(_WIN64)
#define EDGETUNE_VKAPI __stdcall
#else
#define EDGETUNE_VKAPI
#endif

namespace edgetune::vk {

using Result = int32_t;
using Bool32 = uint32_t;
using DeviceSize = uint64_t;
using Instance = struct InstanceHandle*;
using PhysicalDevice = struct PhysicalDeviceHandle*;

constexpr Result kSuccess = 0;
constexpr Result kIncomplete = 5;
constexpr uint32_t kMaxNameSize = 256;
constexpr uint32_t kMaxMemoryTypes = 32;
constexpr uint32_t kMaxMemoryHeaps = 16;
constexpr uint32_t kMemoryHeapDeviceLocal = 0x1;
constexpr uint32_t kInstanceCreateEnumeratePortability = 0x1;

constexpr uint32_t makeApiVersion(uint32_t major, uint32_t minor) { return (major << 22) | (minor << 12); }

enum StructureType : int32_t {
  kApplicationInfo = 0,
  kInstanceCreateInfo = 1,
  kPhysicalDeviceProperties2 = 1000059001,
  kPhysicalDeviceSubgroupProperties = 1000094000,
  kPhysicalDeviceShaderSmBuiltinsPropertiesNv = 1000154001,
  kPhysicalDeviceShaderCorePropertiesAmd = 1000185000,
  kPhysicalDeviceDriverProperties = 1000196000,
  kPhysicalDeviceShaderCoreProperties2Amd = 1000227000,
};

struct ApplicationInfo {
  StructureType sType;
  const void* pNext;
  const char* pApplicationName;
  uint32_t applicationVersion;
  const char* pEngineName;
  uint32_t engineVersion;
  uint32_t apiVersion;
};

struct InstanceCreateInfo {
  StructureType sType;
  const void* pNext;
  uint32_t flags;
  const ApplicationInfo* pApplicationInfo;
  uint32_t enabledLayerCount;
  const char* const* ppEnabledLayerNames;
  uint32_t enabledExtensionCount;
  const char* const* ppEnabledExtensionNames;
};

struct ExtensionProperties {
  char extensionName[kMaxNameSize];
  uint32_t specVersion;
};

struct PhysicalDeviceLimits {
  uint32_t maxImageDimension1D;
  uint32_t maxImageDimension2D;
  uint32_t maxImageDimension3D;
  uint32_t maxImageDimensionCube;
  uint32_t maxImageArrayLayers;
  uint32_t maxTexelBufferElements;
  uint32_t maxUniformBufferRange;
  uint32_t maxStorageBufferRange;
  uint32_t maxPushConstantsSize;
  uint32_t maxMemoryAllocationCount;
  uint32_t maxSamplerAllocationCount;
  DeviceSize bufferImageGranularity;
  DeviceSize sparseAddressSpaceSize;
  uint32_t maxBoundDescriptorSets;
  uint32_t maxPerStageDescriptorSamplers;
  uint32_t maxPerStageDescriptorUniformBuffers;
  uint32_t maxPerStageDescriptorStorageBuffers;
  uint32_t maxPerStageDescriptorSampledImages;
  uint32_t maxPerStageDescriptorStorageImages;
  uint32_t maxPerStageDescriptorInputAttachments;
  uint32_t maxPerStageResources;
  uint32_t maxDescriptorSetSamplers;
  uint32_t maxDescriptorSetUniformBuffers;
  uint32_t maxDescriptorSetUniformBuffersDynamic;
  uint32_t maxDescriptorSetStorageBuffers;
  uint32_t maxDescriptorSetStorageBuffersDynamic;
  uint32_t maxDescriptorSetSampledImages;
  uint32_t maxDescriptorSetStorageImages;
  uint32_t maxDescriptorSetInputAttachments;
  uint32_t maxVertexInputAttributes;
  uint32_t maxVertexInputBindings;
  uint32_t maxVertexInputAttributeOffset;
  uint32_t maxVertexInputBindingStride;
  uint32_t maxVertexOutputComponents;
  uint32_t maxTessellationGenerationLevel;
  uint32_t maxTessellationPatchSize;
  uint32_t maxTessellationControlPerVertexInputComponents;
  uint32_t maxTessellationControlPerVertexOutputComponents;
  uint32_t maxTessellationControlPerPatchOutputComponents;
  uint32_t maxTessellationControlTotalOutputComponents;
  uint32_t maxTessellationEvaluationInputComponents;
  uint32_t maxTessellationEvaluationOutputComponents;
  uint32_t maxGeometryShaderInvocations;
  uint32_t maxGeometryInputComponents;
  uint32_t maxGeometryOutputComponents;
  uint32_t maxGeometryOutputVertices;
  uint32_t maxGeometryTotalOutputComponents;
  uint32_t maxFragmentInputComponents;
  uint32_t maxFragmentOutputAttachments;
  uint32_t maxFragmentDualSrcAttachments;
  uint32_t maxFragmentCombinedOutputResources;
  uint32_t maxComputeSharedMemorySize;
  uint32_t maxComputeWorkGroupCount[3];
  uint32_t maxComputeWorkGroupInvocations;
  uint32_t maxComputeWorkGroupSize[3];
  uint32_t subPixelPrecisionBits;
  uint32_t subTexelPrecisionBits;
  uint32_t mipmapPrecisionBits;
  uint32_t maxDrawIndexedIndexValue;
  uint32_t maxDrawIndirectCount;
  float maxSamplerLodBias;
  float maxSamplerAnisotropy;
  uint32_t maxViewports;
  uint32_t maxViewportDimensions[2];
  float viewportBoundsRange[2];
  uint32_t viewportSubPixelBits;
  size_t minMemoryMapAlignment;
  DeviceSize minTexelBufferOffsetAlignment;
  DeviceSize minUniformBufferOffsetAlignment;
  DeviceSize minStorageBufferOffsetAlignment;
  int32_t minTexelOffset;
  uint32_t maxTexelOffset;
  int32_t minTexelGatherOffset;
  uint32_t maxTexelGatherOffset;
  float minInterpolationOffset;
  float maxInterpolationOffset;
  uint32_t subPixelInterpolationOffsetBits;
  uint32_t maxFramebufferWidth;
  uint32_t maxFramebufferHeight;
  uint32_t maxFramebufferLayers;
  uint32_t framebufferColorSampleCounts;
  uint32_t framebufferDepthSampleCounts;
  uint32_t framebufferStencilSampleCounts;
  uint32_t framebufferNoAttachmentsSampleCounts;
  uint32_t maxColorAttachments;
  uint32_t sampledImageColorSampleCounts;
  uint32_t sampledImageIntegerSampleCounts;
  uint32_t sampledImageDepthSampleCounts;
  uint32_t sampledImageStencilSampleCounts;
  uint32_t storageImageSampleCounts;
  uint32_t maxSampleMaskWords;
  Bool32 timestampComputeAndGraphics;
  float timestampPeriod;
  uint32_t maxClipDistances;
  uint32_t maxCullDistances;
  uint32_t maxCombinedClipAndCullDistances;
  uint32_t discreteQueuePriorities;
  float pointSizeRange[2];
  float lineWidthRange[2];
  float pointSizeGranularity;
  float lineWidthGranularity;
  Bool32 strictLines;
  Bool32 standardSampleLocations;
  DeviceSize optimalBufferCopyOffsetAlignment;
  DeviceSize optimalBufferCopyRowPitchAlignment;
  DeviceSize nonCoherentAtomSize;
};

struct PhysicalDeviceSparseProperties {
  Bool32 residencyStandard2DBlockShape;
  Bool32 residencyStandard2DMultisampleBlockShape;
  Bool32 residencyStandard3DBlockShape;
  Bool32 residencyAlignedMipSize;
  Bool32 residencyNonResidentStrict;
};

struct PhysicalDeviceProperties {
  uint32_t apiVersion;
  uint32_t driverVersion;
  uint32_t vendorID;
  uint32_t deviceID;
  int32_t deviceType;
  char deviceName[kMaxNameSize];
  uint8_t pipelineCacheUUID[16];
  PhysicalDeviceLimits limits;
  PhysicalDeviceSparseProperties sparseProperties;
};

struct PhysicalDeviceProperties2 {
  StructureType sType;
  void* pNext;
  PhysicalDeviceProperties properties;
};


struct PhysicalDeviceSubgroupProperties {
  StructureType sType;
  void* pNext;
  uint32_t subgroupSize;
  uint32_t supportedStages;
  uint32_t supportedOperations;
  Bool32 quadOperationsInAllStages;
};

struct PhysicalDeviceShaderSmBuiltinsPropertiesNv {
  StructureType sType;
  void* pNext;
  uint32_t shaderSMCount;
  uint32_t shaderWarpsPerSM;
};

struct PhysicalDeviceShaderCorePropertiesAmd {
  StructureType sType;
  void* pNext;
  uint32_t shaderEngineCount;
  uint32_t shaderArraysPerEngineCount;
  uint32_t computeUnitsPerShaderArray;
  uint32_t simdPerComputeUnit;
  uint32_t wavefrontsPerSimd;
  uint32_t wavefrontSize;
  uint32_t sgprsPerSimd;
  uint32_t minSgprAllocation;
  uint32_t maxSgprAllocation;
  uint32_t sgprAllocationGranularity;
  uint32_t vgprsPerSimd;
  uint32_t minVgprAllocation;
  uint32_t maxVgprAllocation;
  uint32_t vgprAllocationGranularity;
};

struct PhysicalDeviceShaderCoreProperties2Amd {
  StructureType sType;
  void* pNext;
  uint32_t shaderCoreFeatures;
  uint32_t activeComputeUnitCount;
};

struct ConformanceVersion {
  uint8_t major;
  uint8_t minor;
  uint8_t subminor;
  uint8_t patch;
};

struct PhysicalDeviceDriverProperties {
  StructureType sType;
  void* pNext;
  int32_t driverID;
  char driverName[kMaxNameSize];
  char driverInfo[kMaxNameSize];
  ConformanceVersion conformanceVersion;
};

struct MemoryType {
  uint32_t propertyFlags;
  uint32_t heapIndex;
};

struct MemoryHeap {
  DeviceSize size;
  uint32_t flags;
};

struct PhysicalDeviceMemoryProperties {
  uint32_t memoryTypeCount;
  MemoryType memoryTypes[kMaxMemoryTypes];
  uint32_t memoryHeapCount;
  MemoryHeap memoryHeaps[kMaxMemoryHeaps];
};

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
static_assert(sizeof(PhysicalDeviceLimits) == 504, "VkPhysicalDeviceLimits layout");
static_assert(sizeof(PhysicalDeviceProperties) == 824, "VkPhysicalDeviceProperties layout");
static_assert(sizeof(PhysicalDeviceProperties2) == 840, "VkPhysicalDeviceProperties2 layout");
static_assert(sizeof(PhysicalDeviceMemoryProperties) == 520, "VkPhysicalDeviceMemoryProperties layout");
static_assert(sizeof(PhysicalDeviceDriverProperties) == 536, "VkPhysicalDeviceDriverProperties layout");
static_assert(offsetof(PhysicalDeviceLimits, maxComputeSharedMemorySize) == 216, "compute limits offset");
static_assert(offsetof(PhysicalDeviceLimits, timestampPeriod) == 424, "timestampPeriod offset");
#endif

using PfnVoidFunction = void(EDGETUNE_VKAPI*)();
using PfnGetInstanceProcAddr = PfnVoidFunction(EDGETUNE_VKAPI*)(Instance, const char*);
using PfnEnumerateInstanceVersion = Result(EDGETUNE_VKAPI*)(uint32_t*);
using PfnEnumerateInstanceExtensionProperties = Result(EDGETUNE_VKAPI*)(const char*, uint32_t*, ExtensionProperties*);
using PfnCreateInstance = Result(EDGETUNE_VKAPI*)(const InstanceCreateInfo*, const void*, Instance*);
using PfnDestroyInstance = void(EDGETUNE_VKAPI*)(Instance, const void*);
using PfnEnumeratePhysicalDevices = Result(EDGETUNE_VKAPI*)(Instance, uint32_t*, PhysicalDevice*);
using PfnGetPhysicalDeviceProperties = void(EDGETUNE_VKAPI*)(PhysicalDevice, PhysicalDeviceProperties*);
using PfnGetPhysicalDeviceProperties2 = void(EDGETUNE_VKAPI*)(PhysicalDevice, PhysicalDeviceProperties2*);
using PfnGetPhysicalDeviceMemoryProperties = void(EDGETUNE_VKAPI*)(PhysicalDevice, PhysicalDeviceMemoryProperties*);
using PfnEnumerateDeviceExtensionProperties =
    Result(EDGETUNE_VKAPI*)(PhysicalDevice, const char*, uint32_t*, ExtensionProperties*);

}  // namespace edgetune::vk
