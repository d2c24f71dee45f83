// Opens GPU runtime libraries at run time, so the addon builds without any GPU SDK and loads on
// machines that have none of them.
#pragma once

#include <string>
#include <vector>

namespace edgetune {

class DynamicLibrary {
 public:
  DynamicLibrary() = default;
  ~DynamicLibrary();
  DynamicLibrary(const DynamicLibrary&) = delete;
  DynamicLibrary& operator=(const DynamicLibrary&) = delete;

  // Tries each candidate in order; on failure `error()` lists every attempt and its reason.
  bool open(const std::vector<std::string>& candidates);
  void* symbol(const char* name) const;
  template <typename Function>
  bool bind(Function& target, const char* name) const {
    target = reinterpret_cast<Function>(symbol(name));
    return target != nullptr;
  }
  void close();
  // Keeps the library loaded for the life of the process (drivers that must not be unloaded once initialised).
  void keepLoaded() { handle_ = nullptr; }

  bool isOpen() const { return handle_ != nullptr; }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  void* handle_ = nullptr;
  std::string path_;
  std::string error_;
};

// The library names each platform's loader or driver installs, most specific first.
std::vector<std::string> vulkanLibraryNames();
std::vector<std::string> cudaLibraryNames();
std::vector<std::string> nvmlLibraryNames();

}  // namespace edgetune
