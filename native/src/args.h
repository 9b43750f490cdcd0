// Type checks at the entry points: JS validated the values already, C++ only refuses wrong types.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

namespace addon {

Napi::Object RequireObject(const Napi::CallbackInfo& info, size_t index, const char* name);
std::string RequireString(const Napi::CallbackInfo& info, size_t index, const char* name);
// Copies the samples: the worker must not depend on a JS buffer that JS may change or detach.
std::vector<float> CopySamples(const Napi::CallbackInfo& info, size_t index);

bool OptionalBool(const Napi::Object& options, const char* key, bool fallback);
double OptionalNumber(const Napi::Object& options, const char* key, double fallback);
std::string OptionalString(const Napi::Object& options, const char* key, const std::string& fallback);

}  // namespace addon
