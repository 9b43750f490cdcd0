#pragma once

#include <napi.h>

namespace addon {

// transcribe(model, samples: Float32Array, options, onProgress?, onSegment?): { promise, abort }
// onSegment receives { t0, t1, text } (centiseconds) for each segment as whisper.cpp emits it.
// One whisper_state per call, created and freed on the worker thread; the model's context is
// shared with every other call in flight.
Napi::Value Transcribe(const Napi::CallbackInfo& info);

}  // namespace addon
