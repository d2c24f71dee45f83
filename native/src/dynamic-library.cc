#include "dynamic-library.h"

#if defined(_WIN32)
#include <windows.h>
#else
#include <dlfcn.h>
#endif

namespace edgetune {

namespace {

#if defined(_WIN32)
void* openLibrary(const std::string& name, std::string& reason) {
  HMODULE module = LoadLibraryA(name.c_str());
  if (module == nullptr) reason = "LoadLibrary error " + std::to_string(GetLastError());
  return reinterpret_cast<void*>(module);
}
void* findSymbol(void* handle, const char* name) {
  return reinterpret_cast<void*>(GetProcAddress(reinterpret_cast<HMODULE>(handle), name));
}
void closeLibrary(void* handle) { FreeLibrary(reinterpret_cast<HMODULE>(handle)); }
#else
void* openLibrary(const std::string& name, std::string& reason) {
  void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* message = dlerror();
    reason = message != nullptr ? message : "dlopen failed";
  }
  return handle;
}
void* findSymbol(void* handle, const char* name) { return dlsym(handle, name); }
void closeLibrary(void* handle) { dlclose(handle); }
#endif

}  // namespace

DynamicLibrary::~DynamicLibrary() { close(); }

bool DynamicLibrary::open(const std::vector<std::string>& candidates) {
  close();
  error_.clear();
  for (const std::string& name : candidates) {
    std::string reason;
    handle_ = openLibrary(name, reason);
    if (handle_ != nullptr) {
      path_ = name;
      error_.clear();
      return true;
    }
    if (!error_.empty()) error_ += "; ";
    error_ += reason;
  }
  return false;
}

void* DynamicLibrary::symbol(const char* name) const {
  return handle_ != nullptr ? findSymbol(handle_, name) : nullptr;
}

void DynamicLibrary::close() {
  if (handle_ != nullptr) closeLibrary(handle_);
  handle_ = nullptr;
  path_.clear();
}

std::vector<std::string> vulkanLibraryNames() {
#if defined(_WIN32)
  return {"vulkan-1.dll"};
#elif defined(__APPLE__)
  return {"libvulkan.1.dylib", "libvulkan.dylib", "libMoltenVK.dylib"};
#else
  return {"libvulkan.so.1", "libvulkan.so"};
#endif
}

std::vector<std::string> cudaLibraryNames() {
#if defined(_WIN32)
  return {"nvcuda.dll"};
#elif defined(__APPLE__)
  return {};
#else
  return {"libcuda.so.1", "libcuda.so"};
#endif
}

std::vector<std::string> nvmlLibraryNames() {
#if defined(_WIN32)
  return {"nvml.dll", "C:\\Program Files\\NVIDIA Corporation\\NVSMI\\nvml.dll"};
#elif defined(__APPLE__)
  return {};
#else
  return {"libnvidia-ml.so.1", "libnvidia-ml.so"};
#endif
}

}  // namespace edgetune
