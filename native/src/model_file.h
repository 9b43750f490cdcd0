// whisper.cpp trusts its model files: a truncated or foreign file can make it read garbage sizes
// and abort the process (GGML_ASSERT). These checks walk the file layout first, so that a bad
// file becomes an error message instead of a crash.
#pragma once

#include <string>

namespace addon {

// Empty when `path` has the layout of a ggml Whisper model, else the reason it has not.
std::string CheckWhisperModelFile(const std::string& path);
// Empty when `path` has the layout of whisper.cpp's ggml Silero VAD model, else the reason.
std::string CheckVadModelFile(const std::string& path);

}  // namespace addon
