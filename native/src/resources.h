// RAII owners of whisper.cpp objects, with live counts so tests can prove nothing leaks.
#pragma once

#include <atomic>
#include <memory>

#include "whisper.h"

namespace addon {

struct LiveCounts {
  std::atomic<long> contexts{0};
  std::atomic<long> states{0};
  std::atomic<long> vadContexts{0};
};
LiveCounts& Live();

// One whisper_context per loaded model, shared by every call in flight: the last owner frees it.
using ContextPtr = std::shared_ptr<whisper_context>;
ContextPtr AdoptContext(whisper_context* context);

struct StateDeleter {
  void operator()(whisper_state* state) const;
};
// One whisper_state per transcription call.
using StatePtr = std::unique_ptr<whisper_state, StateDeleter>;
StatePtr NewState(whisper_context* context);

struct VadDeleter {
  void operator()(whisper_vad_context* context) const;
};
using VadPtr = std::unique_ptr<whisper_vad_context, VadDeleter>;
VadPtr NewVadContext(const char* modelPath, int threads);

}  // namespace addon
