#include "model.h"

#include <string>

#include "args.h"
#include "job.h"
#include "log.h"
#include "model_file.h"

namespace addon {
namespace {

// Marks the externals this addon made, so a foreign object is never taken for a model.
constexpr napi_type_tag kModelTag = {0x8f3c2a1d5b6e4f70ULL, 0xa1b2c3d4e5f60718ULL};

class LoadModelWorker : public PromiseWorker {
 public:
  LoadModelWorker(Napi::Env env, std::string path, whisper_context_params params)
      : PromiseWorker(env, "whisperLoadModel"), path_(std::move(path)), params_(params) {}

 protected:
  void Run() override {
    ClearThreadErrors();
    const std::string problem = CheckWhisperModelFile(path_);
    if (!problem.empty()) {
      Fail("could not load the whisper model " + path_ + ": " + problem);
      return;
    }
    context_ = AdoptContext(whisper_init_from_file_with_params_no_state(path_.c_str(), params_));
    if (!context_) {
      const std::string reason = ThreadErrors();
      Fail("could not load the whisper model " + path_ + (reason.empty() ? "" : ": " + reason));
    }
  }

  Napi::Value Result(Napi::Env env) override {
    auto external = Napi::External<ModelHandle>::New(
        env, new ModelHandle{std::move(context_)},
        [](Napi::Env, ModelHandle* handle) { delete handle; });
    external.TypeTag(&kModelTag);
    return external;
  }

 private:
  std::string path_;
  whisper_context_params params_;
  ContextPtr context_;
};

class FreeModelWorker : public PromiseWorker {
 public:
  FreeModelWorker(Napi::Env env, ContextPtr context)
      : PromiseWorker(env, "whisperFreeModel"), context_(std::move(context)) {}

 protected:
  void Run() override { context_.reset(); }  // off the JS thread: freeing a big model takes time
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }

 private:
  ContextPtr context_;
};

}  // namespace

ModelHandle& UnwrapModel(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsExternal() ||
      !info[index].As<Napi::External<ModelHandle>>().CheckTypeTag(&kModelTag)) {
    throw Napi::TypeError::New(info.Env(), "model must be a handle made by loadModel");
  }
  return *info[index].As<Napi::External<ModelHandle>>().Data();
}

ContextPtr OpenContext(const Napi::CallbackInfo& info, size_t index) {
  ModelHandle& handle = UnwrapModel(info, index);
  if (!handle.context) throw Napi::Error::New(info.Env(), "the model has been freed");
  return handle.context;
}

Napi::Value LoadModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = RequireString(info, 0, "path");
  Napi::Object options = RequireObject(info, 1, "options");

  whisper_context_params params = whisper_context_default_params();
  params.use_gpu = OptionalBool(options, "useGpu", params.use_gpu);
  params.gpu_device = static_cast<int>(OptionalNumber(options, "gpuDevice", params.gpu_device));
  params.flash_attn = OptionalBool(options, "flashAttention", params.flash_attn);

  auto* worker = new LoadModelWorker(env, std::move(path), params);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value FreeModel(const Napi::CallbackInfo& info) {
  ModelHandle& handle = UnwrapModel(info, 0);
  auto* worker = new FreeModelWorker(info.Env(), std::move(handle.context));
  handle.context.reset();
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value ModelInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ContextPtr context = OpenContext(info, 0);
  whisper_context* ctx = context.get();

  Napi::Object result = Napi::Object::New(env);
  result.Set("type", Napi::String::New(env, whisper_model_type_readable(ctx)));
  result.Set("multilingual", Napi::Boolean::New(env, whisper_is_multilingual(ctx) != 0));
  result.Set("vocabularySize", Napi::Number::New(env, whisper_model_n_vocab(ctx)));
  result.Set("audioContext", Napi::Number::New(env, whisper_model_n_audio_ctx(ctx)));
  result.Set("audioState", Napi::Number::New(env, whisper_model_n_audio_state(ctx)));
  result.Set("audioLayers", Napi::Number::New(env, whisper_model_n_audio_layer(ctx)));
  result.Set("textContext", Napi::Number::New(env, whisper_model_n_text_ctx(ctx)));
  result.Set("textState", Napi::Number::New(env, whisper_model_n_text_state(ctx)));
  result.Set("textLayers", Napi::Number::New(env, whisper_model_n_text_layer(ctx)));
  result.Set("mels", Napi::Number::New(env, whisper_model_n_mels(ctx)));
  result.Set("ftype", Napi::Number::New(env, whisper_model_ftype(ctx)));
  result.Set("tokenEot", Napi::Number::New(env, whisper_token_eot(ctx)));
  return result;
}

}  // namespace addon
