// The addon's export table. Each long operation is an AsyncWorker in its own file; policy
// (defaults, validation, word grouping, VAD regions) lives in libs/speech.
#include <napi.h>

#include "ggml-backend.h"
#include "log.h"
#include "model.h"
#include "resources.h"
#include "transcribe.h"
#include "vad.h"

namespace addon {
namespace {

Napi::Value Version(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("whisper", Napi::String::New(env, whisper_version()));
  result.Set("system", Napi::String::New(env, whisper_print_system_info()));
  return result;
}

const char* DeviceKind(enum ggml_backend_dev_type type) {
  switch (type) {
    case GGML_BACKEND_DEVICE_TYPE_CPU:
      return "cpu";
    case GGML_BACKEND_DEVICE_TYPE_GPU:
      return "gpu";
    case GGML_BACKEND_DEVICE_TYPE_IGPU:
      return "igpu";
    case GGML_BACKEND_DEVICE_TYPE_ACCEL:
      return "accel";
    default:
      return "other";
  }
}

// ggml's compute devices as whisper.cpp sees them when it picks a GPU (a CUDA build lists the GPUs
// it can reach): libs/speech compares them with what was asked for.
Napi::Value BackendDevices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t count = ggml_backend_dev_count();
  Napi::Array result = Napi::Array::New(env, count);
  for (size_t i = 0; i < count; ++i) {
    ggml_backend_dev_t device = ggml_backend_dev_get(i);
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("name", Napi::String::New(env, ggml_backend_dev_name(device)));
    entry.Set("description", Napi::String::New(env, ggml_backend_dev_description(device)));
    entry.Set("kind", Napi::String::New(env, DeviceKind(ggml_backend_dev_type(device))));
    result.Set(static_cast<uint32_t>(i), entry);
  }
  return result;
}

// Counts of live native objects: lets tests prove that nothing leaks.
Napi::Value LiveResources(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("contexts", Napi::Number::New(env, static_cast<double>(Live().contexts.load())));
  result.Set("states", Napi::Number::New(env, static_cast<double>(Live().states.load())));
  result.Set("vadContexts", Napi::Number::New(env, static_cast<double>(Live().vadContexts.load())));
  return result;
}

}  // namespace
}  // namespace addon

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  using namespace addon;
  InstallLogRouting();
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("backendDevices", Napi::Function::New(env, BackendDevices, "backendDevices"));
  exports.Set("liveResources", Napi::Function::New(env, LiveResources, "liveResources"));
  exports.Set("setLogHandler", Napi::Function::New(env, SetLogHandler, "setLogHandler"));
  exports.Set("loadModel", Napi::Function::New(env, LoadModel, "loadModel"));
  exports.Set("freeModel", Napi::Function::New(env, FreeModel, "freeModel"));
  exports.Set("modelInfo", Napi::Function::New(env, ModelInfo, "modelInfo"));
  exports.Set("transcribe", Napi::Function::New(env, Transcribe, "transcribe"));
  exports.Set("detectSpeech", Napi::Function::New(env, DetectSpeech, "detectSpeech"));
  return exports;
}

NODE_API_MODULE(whisper_addon, InitAddon)
