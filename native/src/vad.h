#pragma once

#include <napi.h>

namespace addon {

// detectSpeech(vadModelPath, samples: Float32Array, options: { threads }, onProgress?):
//   { promise: Promise<{ probabilities: Float32Array, windowSamples: number }>, abort }
// Silero VAD speech probability per window. The audio is fed in chunks so that an abort stops
// the pass quickly; turning probabilities into regions is policy and lives in TypeScript.
Napi::Value DetectSpeech(const Napi::CallbackInfo& info);

}  // namespace addon
