// Whisper segments from a worker thread to an optional JS callback as whisper.cpp emits them,
// through a thread-safe function (the whole result still comes back at the end).
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

struct whisper_state;

namespace addon {

struct NewSegment {
  int64_t t0;  // centiseconds
  int64_t t1;
  std::string text;
};

class SegmentReporter {
 public:
  // On the JS thread; `callback` may be undefined, in which case Report does nothing.
  SegmentReporter(Napi::Env env, Napi::Value callback);
  ~SegmentReporter();
  SegmentReporter(const SegmentReporter&) = delete;
  SegmentReporter& operator=(const SegmentReporter&) = delete;

  // whisper.cpp's new_segment_callback: forwards the last `count` segments of `state`.
  void Report(whisper_state* state, int count);
  // Idempotent; called when the work ends, whatever the outcome.
  void Release();

 private:
  static void CallJs(Napi::Env env, Napi::Function callback, std::nullptr_t*, NewSegment* segment);
  using Tsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, NewSegment, CallJs>;

  Tsfn tsfn_;
  bool active_ = false;
};

}  // namespace addon
