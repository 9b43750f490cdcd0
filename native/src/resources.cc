#include "resources.h"

namespace addon {

LiveCounts& Live() {
  static LiveCounts counts;
  return counts;
}

ContextPtr AdoptContext(whisper_context* context) {
  if (context == nullptr) return nullptr;
  Live().contexts++;
  return ContextPtr(context, [](whisper_context* owned) {
    whisper_free(owned);
    Live().contexts--;
  });
}

void StateDeleter::operator()(whisper_state* state) const {
  whisper_free_state(state);
  Live().states--;
}

StatePtr NewState(whisper_context* context) {
  whisper_state* state = whisper_init_state(context);
  if (state != nullptr) Live().states++;
  return StatePtr(state);
}

void VadDeleter::operator()(whisper_vad_context* context) const {
  whisper_vad_free(context);
  Live().vadContexts--;
}

VadPtr NewVadContext(const char* modelPath, int threads) {
  whisper_vad_context_params params = whisper_vad_default_context_params();
  params.n_threads = threads;
  params.use_gpu = false;  // a small LSTM: the CPU is faster than a round trip to a GPU
  whisper_vad_context* context = whisper_vad_init_from_file_with_params(modelPath, params);
  if (context != nullptr) Live().vadContexts++;
  return VadPtr(context);
}

}  // namespace addon
