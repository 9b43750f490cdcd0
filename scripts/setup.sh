#!/usr/bin/env bash
# Sets up a fresh Debian machine for development, tests or running the server:
# system packages (ffmpeg, redis-server, a C++ toolchain and cmake; caddy for the reverse-proxy tests; sctk for
# NIST's md-eval, run as `sctk md-eval`; chromium for the real-browser tests; only where missing), npm
# dependencies from package-lock, the native whisper.cpp addon (the portable CPU build the images ship), the TypeScript build,
# and the models found in SHARED_DIR (default ../shared) where such a folder exists.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v cmake >/dev/null || missing+=(cmake)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v caddy >/dev/null || missing+=(caddy)
command -v sctk >/dev/null || missing+=(sctk)
# The browser tests drive Debian's Chromium (no browser download at npm install).
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]} with apt-get"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# No dependency install scripts: onnxruntime-node's would fetch its CUDA files from the network on every
# linux/x64 machine; its CPU build ships inside the package. GPU hosts run its installer on purpose
# (deploy/README.md). ONNXRUNTIME_NODE_INSTALL=skip covers an npm that runs them anyway.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
npm ci --ignore-scripts --no-audit --no-fund
# Portable (x86-64-v3), as the images: what CI tests is what ships (test/deploy/portable-build.test.ts).
npm run -s build:native -- --portable
npm run -s build

shared_models="${SHARED_DIR:-../shared}/models"
if [ -d "$shared_models" ]; then
  npm run -s models -- --from "$shared_models"
else
  echo "setup: no $shared_models here; install models with 'npm run models -- install base' (see README)"
fi
