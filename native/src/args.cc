#include "args.h"

#include <climits>

namespace addon {
namespace {

[[noreturn]] void ThrowType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

}  // namespace

Napi::Object RequireObject(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsObject()) {
    ThrowType(info.Env(), std::string(name) + " must be an object");
  }
  return info[index].As<Napi::Object>();
}

std::string RequireString(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsString()) {
    ThrowType(info.Env(), std::string(name) + " must be a string");
  }
  return info[index].As<Napi::String>().Utf8Value();
}

std::vector<float> CopySamples(const Napi::CallbackInfo& info, size_t index) {
  Napi::Env env = info.Env();
  if (info.Length() <= index || !info[index].IsTypedArray() ||
      info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    ThrowType(env, "samples must be a Float32Array");
  }
  auto samples = info[index].As<Napi::Float32Array>();
  if (samples.ElementLength() == 0) ThrowType(env, "samples must not be empty");
  if (samples.ElementLength() > static_cast<size_t>(INT_MAX)) {
    throw Napi::RangeError::New(env, "samples: too many for whisper.cpp (at most 2^31-1)");
  }
  const float* data = samples.Data();
  return std::vector<float>(data, data + samples.ElementLength());
}

bool OptionalBool(const Napi::Object& options, const char* key, bool fallback) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsBoolean()) ThrowType(options.Env(), std::string(key) + " must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

double OptionalNumber(const Napi::Object& options, const char* key, double fallback) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) ThrowType(options.Env(), std::string(key) + " must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

std::string OptionalString(const Napi::Object& options, const char* key, const std::string& fallback) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsString()) ThrowType(options.Env(), std::string(key) + " must be a string");
  return value.As<Napi::String>().Utf8Value();
}

}  // namespace addon
