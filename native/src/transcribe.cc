#include "transcribe.h"

#include <string>
#include <vector>

#include "args.h"
#include "job.h"
#include "log.h"
#include "model.h"
#include "progress.h"
#include "segments.h"

namespace addon {
namespace {

struct TranscribeParams {
  std::string language;  // a Whisper code, or "auto"
  bool translate = false;
  float temperature = 0.0f;
  float temperatureIncrement = 0.2f;
  float noSpeechThreshold = 0.6f;
  std::string initialPrompt;  // empty: none
  bool carryInitialPrompt = false;  // keep the initial prompt in front of every window's prompt
  int threads = 4;
  bool tokenTimestamps = true;
  int bestOf = 5;
  int beamSize = 1;  // above 1: beam search instead of greedy sampling
};

struct TokenOut {
  int id;
  std::string text;  // raw bytes: a multi-byte character may be split over tokens
  float probability;
  int64_t t0;  // centiseconds
  int64_t t1;
};

struct SegmentOut {
  int64_t t0;  // centiseconds
  int64_t t1;
  std::string text;
  float noSpeechProb;
  std::vector<TokenOut> tokens;
};

TranscribeParams ReadParams(const Napi::Object& options) {
  TranscribeParams params;
  params.language = OptionalString(options, "language", "auto");
  params.translate = OptionalBool(options, "translate", params.translate);
  params.temperature = static_cast<float>(OptionalNumber(options, "temperature", params.temperature));
  params.temperatureIncrement =
      static_cast<float>(OptionalNumber(options, "temperatureIncrement", params.temperatureIncrement));
  params.noSpeechThreshold =
      static_cast<float>(OptionalNumber(options, "noSpeechThreshold", params.noSpeechThreshold));
  params.initialPrompt = OptionalString(options, "initialPrompt", "");
  params.carryInitialPrompt = OptionalBool(options, "carryInitialPrompt", params.carryInitialPrompt);
  params.threads = static_cast<int>(OptionalNumber(options, "threads", params.threads));
  params.tokenTimestamps = OptionalBool(options, "tokenTimestamps", params.tokenTimestamps);
  params.bestOf = static_cast<int>(OptionalNumber(options, "bestOf", params.bestOf));
  params.beamSize = static_cast<int>(OptionalNumber(options, "beamSize", params.beamSize));
  return params;
}

class TranscribeWorker : public PromiseWorker {
 public:
  TranscribeWorker(Napi::Env env, ContextPtr context, std::vector<float> samples, TranscribeParams params,
                   Napi::Value onProgress, Napi::Value onSegment, AbortFlag abort)
      : PromiseWorker(env, "whisperTranscribe"),
        context_(std::move(context)),
        samples_(std::move(samples)),
        params_(std::move(params)),
        progress_(env, onProgress),
        segments_reporter_(env, onSegment),
        abort_(std::move(abort)) {}

 protected:
  void Run() override {
    ClearThreadErrors();
    RunWhisper();
    progress_.Release();
    segments_reporter_.Release();
    samples_ = std::vector<float>();  // the copy of the audio is not needed past this point
    context_.reset();                 // a model closed meanwhile is freed here, off the JS thread
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object result = Napi::Object::New(env);
    result.Set("language", Napi::String::New(env, language_));
    Napi::Array segments = Napi::Array::New(env, segments_.size());
    for (size_t i = 0; i < segments_.size(); i++) {
      const SegmentOut& segment = segments_[i];
      Napi::Object item = Napi::Object::New(env);
      item.Set("t0", Napi::Number::New(env, static_cast<double>(segment.t0)));
      item.Set("t1", Napi::Number::New(env, static_cast<double>(segment.t1)));
      item.Set("text", Napi::String::New(env, segment.text));
      item.Set("noSpeechProb", Napi::Number::New(env, segment.noSpeechProb));
      Napi::Array tokens = Napi::Array::New(env, segment.tokens.size());
      for (size_t j = 0; j < segment.tokens.size(); j++) {
        const TokenOut& token = segment.tokens[j];
        Napi::Object tokenItem = Napi::Object::New(env);
        tokenItem.Set("id", Napi::Number::New(env, token.id));
        tokenItem.Set("bytes", Napi::Buffer<char>::Copy(env, token.text.data(), token.text.size()));
        tokenItem.Set("p", Napi::Number::New(env, token.probability));
        tokenItem.Set("t0", Napi::Number::New(env, static_cast<double>(token.t0)));
        tokenItem.Set("t1", Napi::Number::New(env, static_cast<double>(token.t1)));
        tokens.Set(j, tokenItem);
      }
      item.Set("tokens", tokens);
      segments.Set(i, item);
    }
    result.Set("segments", segments);
    return result;
  }

 private:
  static bool IsAborted(void* flag) { return static_cast<std::atomic<bool>*>(flag)->load(); }

  void RunWhisper() {
    whisper_context* ctx = context_.get();
    StatePtr state = NewState(ctx);
    if (!state) {
      const std::string reason = ThreadErrors();
      Fail("could not allocate a whisper state" + (reason.empty() ? "" : ": " + reason));
      return;
    }

    whisper_full_params wp =
        whisper_full_default_params(params_.beamSize > 1 ? WHISPER_SAMPLING_BEAM_SEARCH : WHISPER_SAMPLING_GREEDY);
    wp.n_threads = params_.threads;
    wp.language = params_.language.c_str();
    wp.translate = params_.translate;
    wp.temperature = params_.temperature;
    wp.temperature_inc = params_.temperatureIncrement;
    wp.no_speech_thold = params_.noSpeechThreshold;
    wp.initial_prompt = params_.initialPrompt.empty() ? nullptr : params_.initialPrompt.c_str();
    wp.carry_initial_prompt = params_.carryInitialPrompt;
    wp.token_timestamps = params_.tokenTimestamps;
    wp.greedy.best_of = params_.bestOf;
    wp.beam_search.beam_size = params_.beamSize;
    wp.print_progress = false;
    wp.print_realtime = false;
    wp.print_timestamps = false;
    wp.print_special = false;

    wp.progress_callback = [](whisper_context*, whisper_state*, int percent, void* reporter) {
      static_cast<ProgressReporter*>(reporter)->Report(percent);
    };
    wp.progress_callback_user_data = &progress_;
    wp.new_segment_callback = [](whisper_context*, whisper_state* state, int count, void* reporter) {
      static_cast<SegmentReporter*>(reporter)->Report(state, count);
    };
    wp.new_segment_callback_user_data = &segments_reporter_;
    // whisper.cpp reads abort_callback after each encoder pass and decoder step (it does not hand it
    // to ggml's scheduler, so a graph runs to its end); encoder_begin_callback stops before a window.
    wp.abort_callback = IsAborted;
    wp.abort_callback_user_data = abort_.get();
    wp.encoder_begin_callback = [](whisper_context*, whisper_state*, void* flag) { return !IsAborted(flag); };
    wp.encoder_begin_callback_user_data = abort_.get();

    const int code =
        whisper_full_with_state(ctx, state.get(), wp, samples_.data(), static_cast<int>(samples_.size()));
    // An abort may surface as an error code or as an early, successful return: the flag decides.
    if (abort_->load()) {
      FailAborted();
      return;
    }
    if (code != 0) {
      const std::string reason = ThreadErrors();
      Fail("whisper_full failed with code " + std::to_string(code) + (reason.empty() ? "" : ": " + reason));
      return;
    }
    Collect(ctx, state.get());
  }

  void Collect(whisper_context* ctx, whisper_state* state) {
    language_ = whisper_lang_str(whisper_full_lang_id_from_state(state));
    const int nSegments = whisper_full_n_segments_from_state(state);
    segments_.reserve(nSegments);
    for (int i = 0; i < nSegments; i++) {
      SegmentOut segment;
      segment.t0 = whisper_full_get_segment_t0_from_state(state, i);
      segment.t1 = whisper_full_get_segment_t1_from_state(state, i);
      segment.text = whisper_full_get_segment_text_from_state(state, i);
      segment.noSpeechProb = whisper_full_get_segment_no_speech_prob_from_state(state, i);
      const int nTokens = whisper_full_n_tokens_from_state(state, i);
      segment.tokens.reserve(nTokens);
      for (int j = 0; j < nTokens; j++) {
        const whisper_token_data data = whisper_full_get_token_data_from_state(state, i, j);
        segment.tokens.push_back(
            {data.id, whisper_full_get_token_text_from_state(ctx, state, i, j), data.p, data.t0, data.t1});
      }
      segments_.push_back(std::move(segment));
    }
  }

  ContextPtr context_;
  std::vector<float> samples_;
  TranscribeParams params_;
  ProgressReporter progress_;
  SegmentReporter segments_reporter_;
  AbortFlag abort_;
  std::string language_;
  std::vector<SegmentOut> segments_;
};

}  // namespace

Napi::Value Transcribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ContextPtr context = OpenContext(info, 0);
  std::vector<float> samples = CopySamples(info, 1);
  TranscribeParams params = ReadParams(RequireObject(info, 2, "options"));
  if (params.language != "auto" && whisper_lang_id(params.language.c_str()) < 0) {
    throw Napi::RangeError::New(env, "unknown language code: " + params.language);
  }
  if (params.threads < 1) throw Napi::RangeError::New(env, "threads must be at least 1");
  if (params.bestOf < 1 || params.beamSize < 1) {
    throw Napi::RangeError::New(env, "bestOf and beamSize must be at least 1");
  }
  Napi::Value onProgress = info.Length() > 3 ? info[3] : env.Undefined();
  if (!onProgress.IsUndefined() && !onProgress.IsFunction()) {
    throw Napi::TypeError::New(env, "onProgress must be a function");
  }
  Napi::Value onSegment = info.Length() > 4 ? info[4] : env.Undefined();
  if (!onSegment.IsUndefined() && !onSegment.IsFunction()) {
    throw Napi::TypeError::New(env, "onSegment must be a function");
  }

  auto abort = std::make_shared<std::atomic<bool>>(false);
  auto* worker = new TranscribeWorker(env, std::move(context), std::move(samples), std::move(params),
                                      onProgress, onSegment, abort);
  Napi::Object job = MakeJob(env, worker, abort);
  worker->Queue();
  return job;
}

}  // namespace addon
