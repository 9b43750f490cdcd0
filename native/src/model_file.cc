#include "model_file.h"

#include <climits>
#include <cstdint>
#include <fstream>

#include "ggml.h"

namespace addon {
namespace {

constexpr uint32_t kGgmlMagic = 0x67676d6c;  // "ggml", as whisper.cpp writes it
constexpr int32_t kQuantVersionFactor = 1000;

class FileReader {
 public:
  explicit FileReader(const std::string& path) : file_(path, std::ios::binary) {
    if (!file_) return;
    file_.seekg(0, std::ios::end);
    const std::streamoff end = file_.tellg();
    file_.seekg(0, std::ios::beg);
    if (end >= 0) {
      size_ = static_cast<uint64_t>(end);
      open_ = true;
    }
  }

  bool open() const { return open_; }
  uint64_t remaining() const { return size_ - position_; }

  bool ReadI32(int32_t& value) {
    if (remaining() < sizeof(value)) return false;
    file_.read(reinterpret_cast<char*>(&value), sizeof(value));
    position_ += sizeof(value);
    return static_cast<bool>(file_);
  }

  bool Skip(uint64_t bytes) {
    if (remaining() < bytes) return false;
    position_ += bytes;
    file_.seekg(static_cast<std::streamoff>(position_), std::ios::beg);
    return static_cast<bool>(file_);
  }

 private:
  std::ifstream file_;
  uint64_t size_ = 0;
  uint64_t position_ = 0;
  bool open_ = false;
};

bool InRange(int32_t value, int32_t low, int32_t high) {
  return value >= low && value <= high;
}

// The weight types whisper.cpp can map (ggml_ftype_to_ggml_type asserts on any other).
bool KnownFileType(int32_t ftype) {
  switch (static_cast<ggml_ftype>(ftype % kQuantVersionFactor)) {
    case GGML_FTYPE_ALL_F32:
    case GGML_FTYPE_MOSTLY_F16:
    case GGML_FTYPE_MOSTLY_BF16:
    case GGML_FTYPE_MOSTLY_Q4_0:
    case GGML_FTYPE_MOSTLY_Q4_1:
    case GGML_FTYPE_MOSTLY_Q5_0:
    case GGML_FTYPE_MOSTLY_Q5_1:
    case GGML_FTYPE_MOSTLY_Q8_0:
    case GGML_FTYPE_MOSTLY_Q2_K:
    case GGML_FTYPE_MOSTLY_Q3_K:
    case GGML_FTYPE_MOSTLY_Q4_K:
    case GGML_FTYPE_MOSTLY_Q5_K:
    case GGML_FTYPE_MOSTLY_Q6_K:
    case GGML_FTYPE_MOSTLY_IQ2_XXS:
    case GGML_FTYPE_MOSTLY_IQ2_XS:
    case GGML_FTYPE_MOSTLY_IQ3_XXS:
    case GGML_FTYPE_MOSTLY_IQ1_S:
    case GGML_FTYPE_MOSTLY_IQ1_M:
    case GGML_FTYPE_MOSTLY_IQ4_NL:
    case GGML_FTYPE_MOSTLY_IQ4_XS:
    case GGML_FTYPE_MOSTLY_IQ3_S:
    case GGML_FTYPE_MOSTLY_IQ2_S:
      return ftype >= 0;
    default:
      return false;
  }
}

std::string CheckMagic(FileReader& reader) {
  int32_t magic = 0;
  if (!reader.ReadI32(magic) || static_cast<uint32_t>(magic) != kGgmlMagic) {
    return "not a ggml model file (bad magic)";
  }
  return "";
}

// The tensor records that end both formats: n_dims, name length, type, dims, name, data
// (n_dims 0 is a scalar).
std::string CheckTensors(FileReader& reader) {
  for (int index = 0; reader.remaining() > 0; index++) {
    int32_t dims = 0, nameLength = 0, type = 0;
    if (!reader.ReadI32(dims) || !reader.ReadI32(nameLength) || !reader.ReadI32(type)) {
      return "truncated tensor header";
    }
    if (!InRange(dims, 0, 4) || !InRange(nameLength, 1, 1024) || !InRange(type, 0, GGML_TYPE_COUNT - 1)) {
      return "invalid header of tensor " + std::to_string(index);
    }
    const int64_t block = ggml_blck_size(static_cast<ggml_type>(type));
    const uint64_t typeSize = ggml_type_size(static_cast<ggml_type>(type));
    if (block <= 0 || typeSize == 0) return "unsupported type of tensor " + std::to_string(index);
    int64_t elements = 1;
    for (int d = 0; d < dims; d++) {
      int32_t extent = 0;
      if (!reader.ReadI32(extent)) return "truncated tensor header";
      if (extent < 1) return "invalid shape of tensor " + std::to_string(index);
      elements *= extent;
      if (elements > INT32_MAX) return "tensor " + std::to_string(index) + " is too large";
    }
    if (elements % block != 0) return "invalid shape of tensor " + std::to_string(index);
    if (!reader.Skip(static_cast<uint64_t>(nameLength)) ||
        !reader.Skip(static_cast<uint64_t>(elements / block) * typeSize)) {
      return "truncated data of tensor " + std::to_string(index) + " (the file is incomplete)";
    }
  }
  return "";
}

}  // namespace

std::string CheckWhisperModelFile(const std::string& path) {
  FileReader reader(path);
  if (!reader.open()) return "cannot open the file";
  std::string problem = CheckMagic(reader);
  if (!problem.empty()) return problem;

  // n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
  // n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
  int32_t h[11];
  for (int32_t& value : h) {
    if (!reader.ReadI32(value)) return "truncated header";
  }
  const bool sane = InRange(h[0], 1, 1000000) && InRange(h[1], 1, 16384) && InRange(h[2], 1, 8192) &&
                    InRange(h[3], 1, 256) && InRange(h[4], 1, 256) && InRange(h[5], 1, 16384) &&
                    InRange(h[6], 1, 8192) && InRange(h[7], 1, 256) && InRange(h[8], 1, 256) &&
                    InRange(h[9], 1, 1024) && h[2] == h[6];
  if (!sane) return "not a Whisper model (implausible hyper-parameters)";
  if (!KnownFileType(h[10])) return "unsupported weight type (ftype " + std::to_string(h[10]) + ")";

  int32_t mels = 0, fft = 0;
  if (!reader.ReadI32(mels) || !reader.ReadI32(fft)) return "truncated mel filters";
  if (!InRange(mels, 1, 1024) || !InRange(fft, 1, 65536)) return "invalid mel filters";
  if (!reader.Skip(static_cast<uint64_t>(mels) * fft * sizeof(float))) return "truncated mel filters";

  int32_t vocabulary = 0;
  if (!reader.ReadI32(vocabulary) || !InRange(vocabulary, 0, 1000000)) return "invalid vocabulary";
  for (int32_t i = 0; i < vocabulary; i++) {
    int32_t length = 0;
    if (!reader.ReadI32(length) || !InRange(length, 0, 65536) || !reader.Skip(static_cast<uint64_t>(length))) {
      return "truncated vocabulary (the file is incomplete)";
    }
  }
  return CheckTensors(reader);
}

std::string CheckVadModelFile(const std::string& path) {
  FileReader reader(path);
  if (!reader.open()) return "cannot open the file";
  std::string problem = CheckMagic(reader);
  if (!problem.empty()) return problem;

  int32_t typeLength = 0;
  if (!reader.ReadI32(typeLength) || !InRange(typeLength, 1, 256) || !reader.Skip(static_cast<uint64_t>(typeLength))) {
    return "not a Silero VAD model (no model type)";
  }
  // version (3), n_window, n_context, n_encoder_layers
  int32_t v[6];
  for (int32_t& value : v) {
    if (!reader.ReadI32(value)) return "truncated header";
  }
  // whisper.cpp's VAD graph has exactly four encoder layers.
  if (!InRange(v[3], 1, 65536) || !InRange(v[4], 1, 65536) || v[5] != 4) {
    return "not a Silero VAD model (implausible hyper-parameters)";
  }
  for (int i = 0; i < v[5] * 3 + 4; i++) {  // in/out channels and kernel per layer, LSTM and final sizes
    int32_t size = 0;
    if (!reader.ReadI32(size)) return "truncated header";
    if (!InRange(size, 1, 65536)) return "not a Silero VAD model (implausible hyper-parameters)";
  }
  return CheckTensors(reader);
}

}  // namespace addon
