// Every fact the addon reports is optional: a field is either set or listed under `missing` with
// the reason it could not be read, so JavaScript never has to guess why something is absent.
#pragma once

#include <napi.h>

#include <string>

namespace edgetune {

class FactSheet {
 public:
  explicit FactSheet(Napi::Env env) : env_(env), object_(Napi::Object::New(env)), missing_(Napi::Object::New(env)) {}

  template <typename Value>
  void set(const char* field, Value value) {
    object_.Set(field, value);
  }
  void setNumber(const char* field, double value) { object_.Set(field, Napi::Number::New(env_, value)); }
  void setString(const char* field, const std::string& value) { object_.Set(field, Napi::String::New(env_, value)); }
  void miss(const char* field, const std::string& reason) { missing_.Set(field, Napi::String::New(env_, reason)); }

  // Attaches `missing` only when something is missing, then hands the object over.
  Napi::Object finish() {
    if (missing_.GetPropertyNames().Length() > 0) object_.Set("missing", missing_);
    return object_;
  }

  Napi::Env env() const { return env_; }

 private:
  Napi::Env env_;
  Napi::Object object_;
  Napi::Object missing_;
};

inline Napi::Object unavailable(Napi::Env env, const std::string& reason) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", false);
  result.Set("reason", reason);
  return result;
}

// The library list to try: the caller's override when given, else the platform defaults.
inline std::vector<std::string> libraryCandidates(const Napi::CallbackInfo& info, std::vector<std::string> defaults) {
  if (info.Length() > 0 && info[0].IsString()) return {info[0].As<Napi::String>().Utf8Value()};
  return defaults;
}

}  // namespace edgetune
