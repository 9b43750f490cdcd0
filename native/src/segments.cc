#include "segments.h"

#include <whisper.h>

#include <memory>

namespace addon {

SegmentReporter::SegmentReporter(Napi::Env env, Napi::Value callback) {
  if (!callback.IsFunction()) return;
  tsfn_ = Tsfn::New(env, callback.As<Napi::Function>(), "whisperSegment", 0, 1);
  active_ = true;
}

SegmentReporter::~SegmentReporter() {
  Release();
}

void SegmentReporter::Report(whisper_state* state, int count) {
  if (!active_) return;
  const int total = whisper_full_n_segments_from_state(state);
  for (int i = total - count; i < total; i++) {
    auto* segment = new NewSegment{whisper_full_get_segment_t0_from_state(state, i),
                                   whisper_full_get_segment_t1_from_state(state, i),
                                   whisper_full_get_segment_text_from_state(state, i)};
    if (tsfn_.NonBlockingCall(segment) != napi_ok) delete segment;
  }
}

void SegmentReporter::Release() {
  if (!active_) return;
  active_ = false;
  tsfn_.Release();
}

void SegmentReporter::CallJs(Napi::Env env, Napi::Function callback, std::nullptr_t*, NewSegment* segment) {
  std::unique_ptr<NewSegment> owned(segment);
  if (env == nullptr || callback.IsEmpty()) return;
  try {
    Napi::Object item = Napi::Object::New(env);
    item.Set("t0", Napi::Number::New(env, static_cast<double>(owned->t0)));
    item.Set("t1", Napi::Number::New(env, static_cast<double>(owned->t1)));
    item.Set("text", Napi::String::New(env, owned->text));
    callback.Call({item});
  } catch (...) {
    // The JS layer guards its callbacks; an exception here must not escape into Node.
  }
}

}  // namespace addon
