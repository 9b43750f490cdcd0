#!/usr/bin/env bash
# GPU check for a machine with an NVIDIA GPU: builds the CUDA variant of the whisper.cpp addon (into
# native/build-cuda, beside the CPU build, which stays as it is), installs ONNX Runtime's CUDA execution
# provider where it is missing, then runs transcription (a dummy Whisper model by default) and diarization
# on the GPU and on the CPU over the same 10-minute file, and prints both timings and whether the outputs
# agree (bench/gpu-check.ts).
#   bash scripts/gpu-check.sh [--seconds 600] [--whisper-model FILE] [--threads N]
# Environment: CUDA_HOME (where nvcc is not on PATH; default /usr/local/cuda), CUDA_ARCHITECTURES
# (default "native": the GPUs of this machine), SHARED_DIR (the recordings and the dummy Whisper models),
# GPU_CHECK_SKIP_ORT_INSTALL=1 (offline: do not try to fetch ONNX Runtime's CUDA files). Needs the CUDA
# toolkit (nvcc, cuBLAS); ONNX Runtime's CUDA provider also needs the CUDA 12 and cuDNN 9 runtimes.
# CI never runs this.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: no NVIDIA GPU is visible here (nvidia-smi): nothing to check" >&2
  exit 2
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

cuda_home=${CUDA_HOME:-/usr/local/cuda}
nvcc=$(command -v nvcc || true)
if [ -z "$nvcc" ] && [ -x "$cuda_home/bin/nvcc" ]; then nvcc=$cuda_home/bin/nvcc; fi
if [ -z "$nvcc" ]; then
  echo "gpu-check: no CUDA toolkit (nvcc on PATH or in CUDA_HOME): the CUDA addon cannot be built here" >&2
  exit 2
fi
export PATH="$(dirname "$nvcc"):$PATH"
"$nvcc" --version | tail -n 1
# ggml's CUDA backend links cuBLAS; a toolkit without it fails only at the end of a long build.
if ! ls "$(dirname "$nvcc")"/../lib64/libcublas.so* "$(dirname "$nvcc")"/../targets/*/lib/libcublas.so* >/dev/null 2>&1 &&
  ! ldconfig -p 2>/dev/null | grep -q 'libcublas\.so'; then
  echo "gpu-check: the CUDA toolkit has no cuBLAS (libcublas.so): the CUDA addon cannot be linked here" >&2
  exit 2
fi

echo "== building the CUDA addon into native/build-cuda"
started=$SECONDS
node scripts/build-native.js --cuda --out native/build-cuda \
  "-DCMAKE_CUDA_ARCHITECTURES=${CUDA_ARCHITECTURES:-native}"
echo "gpu-check: CUDA addon built in $((SECONDS - started)) s"

ort_dir=node_modules/onnxruntime-node/bin/napi-v6/linux/x64
if [ ! -f "$ort_dir/libonnxruntime_providers_cuda.so" ]; then
  if [ "${GPU_CHECK_SKIP_ORT_INSTALL:-0}" = 1 ]; then
    echo "gpu-check: ONNX Runtime's CUDA provider is not installed (GPU_CHECK_SKIP_ORT_INSTALL=1)"
  else
    echo "== fetching ONNX Runtime's CUDA execution provider"
    timeout 600 node node_modules/onnxruntime-node/script/install.js --onnxruntime-node-install ||
      echo "gpu-check: could not fetch ONNX Runtime's CUDA files: diarization runs on the CPU only"
  fi
fi

# The compiled bench; where npm is absent (a bare GPU box given a built tree), the tree's dist/ is used.
if command -v npm >/dev/null 2>&1; then npm run -s build:test; fi
SPEECH_ADDON_PATH="$PWD/native/build-cuda/Release/whisper_addon.node" node dist/bench/gpu-check.js "$@"
