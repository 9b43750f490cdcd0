// What the long operations share: a promise settled by an AsyncWorker, an abort flag that JS can
// raise at any time, and rejections that say whether the work was aborted.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>
#include <string>

namespace addon {

using AbortFlag = std::shared_ptr<std::atomic<bool>>;

// An AsyncWorker whose result is a promise. Execute() runs on the libuv pool and must only touch
// C++ data; anything it throws becomes a rejection, never an escaping exception.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env, const char* name);
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() final;
  virtual void Run() = 0;                  // the work, on the pool
  virtual Napi::Value Result(Napi::Env env) = 0;  // on the JS thread, after Run succeeded
  void Fail(const std::string& message) { SetError(message); }
  void FailAborted();

 private:
  void OnOK() final;
  void OnError(const Napi::Error& error) final;

  Napi::Promise::Deferred deferred_;
  bool aborted_ = false;
};

// { promise, abort }: abort() raises the flag that the worker's whisper.cpp callbacks read.
Napi::Object MakeJob(Napi::Env env, PromiseWorker* worker, const AbortFlag& abort);

}  // namespace addon
