// whisper.cpp and ggml log to stderr by default; the addon routes every line here instead.
#pragma once

#include <napi.h>

#include <string>

namespace addon {

// Installs the router (once, at module load). Nothing is printed unless JS asks for it.
void InstallLogRouting();

// The ERROR lines logged on the calling thread since ClearThreadErrors(): the reason behind a
// failed whisper.cpp call, which its return value does not carry.
void ClearThreadErrors();
std::string ThreadErrors();

// setLogHandler(handler: ((level, text) => void) | null, minLevel: number): forwards lines at
// or above minLevel (ggml levels: 1 debug, 2 info, 3 warn, 4 error) to JS.
Napi::Value SetLogHandler(const Napi::CallbackInfo& info);

}  // namespace addon
