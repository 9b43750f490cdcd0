#!/usr/bin/env bash
# Sets up a fresh Debian machine for development, tests or running the server:
# system packages (ffmpeg, redis-server, a C++ toolchain and cmake, only where missing),
# npm dependencies from package-lock, the native whisper.cpp addon (CPU build), the TypeScript build,
# and the models found in SHARED_DIR (default ../shared) where such a folder exists.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v cmake >/dev/null || missing+=(cmake)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]} with apt-get"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# onnxruntime-node's install script would fetch CUDA binaries from the network wherever it sees nvcc;
# the CPU binaries ship inside the package. A GPU image asks for them with ONNXRUNTIME_NODE_INSTALL=cuda12.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
npm ci --no-audit --no-fund
npm run -s build:native
npm run -s build

shared_models="${SHARED_DIR:-../shared}/models"
if [ -d "$shared_models" ]; then
  npm run -s models -- --from "$shared_models"
else
  echo "setup: no $shared_models here; install models with 'npm run models -- install base' (see README)"
fi
