// Progress from a worker thread to an optional JS callback, through a thread-safe function.
#pragma once

#include <napi.h>

#include <memory>

namespace addon {

class ProgressReporter {
 public:
  // On the JS thread; `callback` may be undefined, in which case Report does nothing.
  ProgressReporter(Napi::Env env, Napi::Value callback);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // From the one worker thread that runs the job: forwards `percent` only when it rises.
  void Report(int percent);
  // Idempotent; called when the work ends, whatever the outcome.
  void Release();

 private:
  static void CallJs(Napi::Env env, Napi::Function callback, std::nullptr_t*, int* percent);
  using Tsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, int, CallJs>;

  Tsfn tsfn_;
  bool active_ = false;
  int last_ = -1;
};

}  // namespace addon
