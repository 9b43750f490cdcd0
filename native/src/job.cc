#include "job.h"

#include <exception>

namespace addon {

PromiseWorker::PromiseWorker(Napi::Env env, const char* name)
    : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

void PromiseWorker::Execute() {
  try {
    Run();
  } catch (const std::bad_alloc&) {
    SetError("out of memory");
  } catch (const std::exception& error) {
    SetError(error.what());
  } catch (...) {
    SetError("unknown native error");
  }
}

void PromiseWorker::FailAborted() {
  aborted_ = true;
  SetError("aborted");
}

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  try {
    deferred_.Resolve(Result(env));
  } catch (const Napi::Error& error) {
    deferred_.Reject(error.Value());
  } catch (const std::exception& error) {
    deferred_.Reject(Napi::Error::New(env, error.what()).Value());
  }
}

void PromiseWorker::OnError(const Napi::Error& error) {
  Napi::Object value = error.Value();
  value.Set("code", Napi::String::New(Env(), aborted_ ? "ABORT_ERR" : "WHISPER_ERROR"));
  deferred_.Reject(value);
}

Napi::Object MakeJob(Napi::Env env, PromiseWorker* worker, const AbortFlag& abort) {
  Napi::Object job = Napi::Object::New(env);
  job.Set("promise", worker->Promise());
  job.Set("abort", Napi::Function::New(
                       env,
                       [abort](const Napi::CallbackInfo& info) -> Napi::Value {
                         abort->store(true);
                         return info.Env().Undefined();
                       },
                       "abort"));
  return job;
}

}  // namespace addon
