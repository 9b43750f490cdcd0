#include "vad.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "args.h"
#include "job.h"
#include "log.h"
#include "model_file.h"
#include "progress.h"
#include "resources.h"

namespace addon {
namespace {

// Samples per call to whisper.cpp: a multiple of any power-of-two VAD window (512 for Silero at
// 16 kHz), long enough to keep per-call overhead small, short enough for a prompt abort.
constexpr int kChunkSamples = 512 * 128;

// Idle Silero contexts by model file (path, size, modification time) and thread count: loading the
// model costs more than detecting speech in a short file, and every transcription with VAD calls
// detectSpeech. A context serves one call at a time; its LSTM state is reset before each call.
// Contexts in the pool are not counted as live (Live().vadContexts counts the ones in use).
class VadPool {
 public:
  static VadPtr Take(const std::string& key, const char* modelPath, int threads) {
    {
      std::lock_guard<std::mutex> lock(Mutex());
      auto& idle = Idle()[key];
      if (!idle.empty()) {
        whisper_vad_context* context = idle.back();
        idle.pop_back();
        Live().vadContexts++;
        return VadPtr(context);
      }
    }
    return NewVadContext(modelPath, threads);
  }

  static void Give(const std::string& key, VadPtr vad) {
    std::lock_guard<std::mutex> lock(Mutex());
    auto& idle = Idle()[key];
    // Beyond a few per model (as many as jobs ran at once), a context is freed.
    if (idle.size() >= kMaxIdlePerModel) return;
    idle.push_back(vad.release());
    Live().vadContexts--;
  }

  static std::string KeyOf(const std::string& modelPath, int threads) {
    std::error_code error;
    const auto size = std::filesystem::file_size(modelPath, error);
    const auto modified = std::filesystem::last_write_time(modelPath, error).time_since_epoch().count();
    return modelPath + '\n' + std::to_string(size) + '\n' + std::to_string(modified) + '\n' +
           std::to_string(threads);
  }

 private:
  static constexpr size_t kMaxIdlePerModel = 8;
  // Never destroyed: freeing contexts while the process exits could outlive ggml's own statics.
  static std::mutex& Mutex() {
    static auto* mutex = new std::mutex();
    return *mutex;
  }
  static std::map<std::string, std::vector<whisper_vad_context*>>& Idle() {
    static auto* idle = new std::map<std::string, std::vector<whisper_vad_context*>>();
    return *idle;
  }
};

class DetectSpeechWorker : public PromiseWorker {
 public:
  DetectSpeechWorker(Napi::Env env, std::string modelPath, std::vector<float> samples, int threads,
                     Napi::Value onProgress, AbortFlag abort)
      : PromiseWorker(env, "whisperDetectSpeech"),
        modelPath_(std::move(modelPath)),
        samples_(std::move(samples)),
        threads_(threads),
        progress_(env, onProgress),
        abort_(std::move(abort)) {}

 protected:
  void Run() override {
    ClearThreadErrors();
    Detect();
    progress_.Release();
    samples_ = std::vector<float>();
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object result = Napi::Object::New(env);
    auto probabilities = Napi::Float32Array::New(env, probabilities_.size());
    std::copy(probabilities_.begin(), probabilities_.end(), probabilities.Data());
    result.Set("probabilities", probabilities);
    result.Set("windowSamples", Napi::Number::New(env, windowSamples_));
    return result;
  }

 private:
  void Detect() {
    const std::string problem = CheckVadModelFile(modelPath_);
    if (!problem.empty()) {
      Fail("could not load the VAD model " + modelPath_ + ": " + problem);
      return;
    }
    const std::string key = VadPool::KeyOf(modelPath_, threads_);
    VadPtr vad = VadPool::Take(key, modelPath_.c_str(), threads_);
    if (!vad) {
      const std::string reason = ThreadErrors();
      Fail("could not load the VAD model " + modelPath_ + (reason.empty() ? "" : ": " + reason));
      return;
    }
    whisper_vad_reset_state(vad.get());

    const size_t total = samples_.size();
    std::vector<float> chunk(kChunkSamples);
    for (size_t offset = 0; offset < total; offset += kChunkSamples) {
      if (abort_->load()) {
        FailAborted();
        return;
      }
      // Every call gets a full chunk (the last one padded with silence), so the window length is
      // chunk / probabilities and the LSTM state carries over from chunk to chunk.
      const size_t length = std::min(total - offset, static_cast<size_t>(kChunkSamples));
      std::copy(samples_.begin() + offset, samples_.begin() + offset + length, chunk.begin());
      std::fill(chunk.begin() + length, chunk.end(), 0.0f);
      if (!whisper_vad_detect_speech_no_reset(vad.get(), chunk.data(), kChunkSamples)) {
        const std::string reason = ThreadErrors();
        Fail("speech detection failed" + (reason.empty() ? "" : ": " + reason));
        return;
      }
      const int count = whisper_vad_n_probs(vad.get());
      if (count <= 0 || kChunkSamples % count != 0) {
        Fail("unexpected VAD window layout (" + std::to_string(count) + " probabilities per chunk)");
        return;
      }
      windowSamples_ = kChunkSamples / count;
      const float* probs = whisper_vad_probs(vad.get());
      const size_t keep = (length + windowSamples_ - 1) / windowSamples_;  // drop the padding's windows
      probabilities_.insert(probabilities_.end(), probs, probs + keep);
      progress_.Report(static_cast<int>(100 * (offset + length) / total));
    }
    // Only a context that finished its pass goes back: a failed or aborted one is freed.
    VadPool::Give(key, std::move(vad));
  }

  std::string modelPath_;
  std::vector<float> samples_;
  int threads_;
  ProgressReporter progress_;
  AbortFlag abort_;
  std::vector<float> probabilities_;
  int windowSamples_ = 0;
};

}  // namespace

Napi::Value DetectSpeech(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string modelPath = RequireString(info, 0, "vadModelPath");
  std::vector<float> samples = CopySamples(info, 1);
  Napi::Object options = RequireObject(info, 2, "options");
  const int threads = static_cast<int>(OptionalNumber(options, "threads", 1));
  if (threads < 1) throw Napi::RangeError::New(env, "threads must be at least 1");
  Napi::Value onProgress = info.Length() > 3 ? info[3] : env.Undefined();
  if (!onProgress.IsUndefined() && !onProgress.IsFunction()) {
    throw Napi::TypeError::New(env, "onProgress must be a function");
  }

  auto abort = std::make_shared<std::atomic<bool>>(false);
  auto* worker =
      new DetectSpeechWorker(env, std::move(modelPath), std::move(samples), threads, onProgress, abort);
  Napi::Object job = MakeJob(env, worker, abort);
  worker->Queue();
  return job;
}

}  // namespace addon
