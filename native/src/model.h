// Loading, describing and freeing a whisper model. JS holds the model as an External handle.
#pragma once

#include <napi.h>

#include "resources.h"

namespace addon {

struct ModelHandle {
  ContextPtr context;  // empty once freed; calls in flight keep their own reference
};

// The handle behind a JS value made by loadModel; throws a TypeError for anything else.
ModelHandle& UnwrapModel(const Napi::CallbackInfo& info, size_t index);
// The context of an open model; throws an Error when it has been freed.
ContextPtr OpenContext(const Napi::CallbackInfo& info, size_t index);

// loadModel(path: string, options: { useGpu, gpuDevice, flashAttention }): Promise<handle>
Napi::Value LoadModel(const Napi::CallbackInfo& info);
// freeModel(handle): Promise<void>; the context goes when the last call using it ends
Napi::Value FreeModel(const Napi::CallbackInfo& info);
// modelInfo(handle): { type, multilingual, vocabularySize, ... }
Napi::Value ModelInfo(const Napi::CallbackInfo& info);

}  // namespace addon
