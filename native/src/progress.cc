#include "progress.h"

namespace addon {

ProgressReporter::ProgressReporter(Napi::Env env, Napi::Value callback) {
  if (!callback.IsFunction()) return;
  tsfn_ = Tsfn::New(env, callback.As<Napi::Function>(), "whisperProgress", 0, 1);
  active_ = true;
}

ProgressReporter::~ProgressReporter() {
  Release();
}

void ProgressReporter::Report(int percent) {
  if (!active_ || percent <= last_) return;
  last_ = percent;
  auto* value = new int(percent);
  if (tsfn_.NonBlockingCall(value) != napi_ok) delete value;
}

void ProgressReporter::Release() {
  if (!active_) return;
  active_ = false;
  tsfn_.Release();
}

void ProgressReporter::CallJs(Napi::Env env, Napi::Function callback, std::nullptr_t*, int* percent) {
  std::unique_ptr<int> owned(percent);
  if (env == nullptr || callback.IsEmpty()) return;
  try {
    callback.Call({Napi::Number::New(env, *owned)});
  } catch (...) {
    // The JS layer guards its callbacks; an exception here must not escape into Node.
  }
}

}  // namespace addon
