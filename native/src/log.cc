#include "log.h"

#include <atomic>
#include <memory>
#include <mutex>

#include "whisper.h"

namespace addon {
namespace {

struct LogLine {
  int level;
  std::string text;
};

void CallHandler(Napi::Env env, Napi::Function handler, std::nullptr_t*, LogLine* line) {
  std::unique_ptr<LogLine> owned(line);
  if (env == nullptr || handler.IsEmpty()) return;
  try {
    handler.Call({Napi::Number::New(env, owned->level), Napi::String::New(env, owned->text)});
  } catch (...) {
    // A throwing log handler must not take the process down; the line is dropped.
  }
}

using LogTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, LogLine, CallHandler>;

constexpr int kForwardNothing = 100;

// Process-wide, like whisper_log_set itself: the last handler set (by any Node environment) wins.
std::mutex handlerMutex;
LogTsfn handlerTsfn;
bool hasHandler = false;
unsigned handlerGeneration = 0;
std::atomic<int> minForwardLevel{kForwardNothing};

thread_local int lastLevel = GGML_LOG_LEVEL_NONE;
thread_local std::string threadErrors;

void Route(ggml_log_level level, const char* text, void*) {
  if (text == nullptr) return;
  // CONT continues the previous line of this thread at that line's level.
  const int effective = level == GGML_LOG_LEVEL_CONT ? lastLevel : static_cast<int>(level);
  if (level != GGML_LOG_LEVEL_CONT) lastLevel = level;

  if (effective == GGML_LOG_LEVEL_ERROR && threadErrors.size() < 4096) {
    threadErrors += text;
  }
  if (effective < minForwardLevel.load(std::memory_order_relaxed)) return;

  std::lock_guard<std::mutex> lock(handlerMutex);
  if (!hasHandler) return;
  auto* line = new LogLine{effective, text};
  if (handlerTsfn.NonBlockingCall(line) != napi_ok) delete line;
}

void ReleaseHandlerLocked() {
  if (!hasHandler) return;
  hasHandler = false;
  handlerTsfn.Release();
}

}  // namespace

void InstallLogRouting() {
  whisper_log_set(Route, nullptr);  // also routes ggml's own log
}

void ClearThreadErrors() {
  threadErrors.clear();
}

std::string ThreadErrors() {
  std::string joined;
  size_t start = 0;
  while (start < threadErrors.size()) {
    size_t end = threadErrors.find('\n', start);
    if (end == std::string::npos) end = threadErrors.size();
    std::string line = threadErrors.substr(start, end - start);
    if (!line.empty()) {
      if (!joined.empty()) joined += "; ";
      joined += line;
    }
    start = end + 1;
  }
  return joined;
}

Napi::Value SetLogHandler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const bool clearing = info.Length() == 0 || info[0].IsNull() || info[0].IsUndefined();
  if (!clearing && !info[0].IsFunction()) {
    throw Napi::TypeError::New(env, "setLogHandler: handler must be a function or null");
  }
  if (!clearing && (info.Length() < 2 || !info[1].IsNumber())) {
    throw Napi::TypeError::New(env, "setLogHandler: minLevel must be a number");
  }

  std::lock_guard<std::mutex> lock(handlerMutex);
  ReleaseHandlerLocked();
  if (clearing) {
    minForwardLevel.store(kForwardNothing);
    return env.Undefined();
  }

  const unsigned generation = ++handlerGeneration;
  handlerTsfn = LogTsfn::New(
      env, info[0].As<Napi::Function>(), "whisperLog", 0, 1, nullptr,
      [](Napi::Env, unsigned* finalizedGeneration, std::nullptr_t*) {
        // Node may finalize the function itself (environment teardown): stop using it then.
        std::unique_ptr<unsigned> owned(finalizedGeneration);
        std::lock_guard<std::mutex> finalizeLock(handlerMutex);
        if (*owned == handlerGeneration) hasHandler = false;
      },
      new unsigned(generation));
  handlerTsfn.Unref(env);  // logging alone must not keep the process alive
  hasHandler = true;
  minForwardLevel.store(info[1].As<Napi::Number>().Int32Value());
  return env.Undefined();
}

}  // namespace addon
