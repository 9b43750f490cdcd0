# syntax=docker/dockerfile:1
# Speech server image. Two targets:
#   docker build -t speech-server:cpu .                      CPU (the default: the last stage)
#   docker build -t speech-server:cuda --target cuda .       NVIDIA GPU (whisper.cpp with cuBLAS, ONNX Runtime CUDA EP)
# Models are not baked in: mount them at /models (see docker-compose.yml and deploy/README.md).

# Node 24 (LTS until April 2028); the addon is Node-API, so any LTS from 22 on runs it.
ARG NODE_IMAGE=node:24-bookworm-slim
ARG CUDA_VERSION=12.8.1
ARG CUDA_UBUNTU=ubuntu24.04

# --- Node itself, copied into the CUDA images (glibc of Ubuntu 24.04 is newer than Debian 12's) ---
FROM ${NODE_IMAGE} AS node

# --- CPU build: native addon, TypeScript, production node_modules ---
FROM ${NODE_IMAGE} AS build-cpu
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake g++ make python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The addon must run on any x86-64 host, not only on the CPU that built the image (-march=native would
# crash elsewhere with SIGILL): --portable targets x86-64-v3 (AVX2, FMA, F16C), which every x86-64 server
# of the last decade has. NATIVE_BUILD_OPTIONS takes further CMake options, e.g. "--portable -DGGML_AVX512=ON".
ARG NATIVE_BUILD_OPTIONS="--portable"
COPY package.json package-lock.json ./
# No dependency install scripts: onnxruntime-node's would download its CUDA files on linux/x64. Its CPU
# build ships inside the package, which is all this image needs.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build:native -- ${NATIVE_BUILD_OPTIONS} \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund
# whisper.cpp's system-info line in the build log; on x86-64 the build stops here if AVX2 went missing.
RUN node -e "const s = require('./native/build/Release/whisper_addon.node').version().system; console.log(s); \
  if (process.arch === 'x64' && !/AVX2 = 1/.test(s)) { console.error('the addon was built without AVX2'); process.exit(1); }"

# --- CUDA build: the devel image has nvcc and cuBLAS, which the GGML_CUDA build links ---
FROM nvidia/cuda:${CUDA_VERSION}-devel-${CUDA_UBUNTU} AS build-cuda
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake g++ make python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
# Node's headers, which cmake-js compiles the addon against (otherwise it downloads them).
COPY --from=node /usr/local/include/node /usr/local/include/node
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
WORKDIR /app
# No GPU is visible while building: name the architectures instead of ggml's "native" (Turing to Hopper).
ARG CUDA_ARCHITECTURES="75;80;86;89;90"
ARG NATIVE_BUILD_OPTIONS="--portable"
ENV CUDAARCHS=${CUDA_ARCHITECTURES}
COPY package.json package-lock.json ./
# Dependencies without their install scripts, then onnxruntime-node's installer run on purpose: the bare
# --onnxruntime-node-install flag fetches the files its package leaves out on linux/x64 (the CUDA 12
# execution provider). Its "=cuda12" form is not understood by the installer (1.30), hence the bare flag;
# the check after it fails the build if the provider did not arrive.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && node node_modules/onnxruntime-node/script/install.js --onnxruntime-node-install \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so
COPY . .
RUN npm run build:native -- --cuda ${NATIVE_BUILD_OPTIONS} \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# --- CUDA runtime: CUDA 12 with cuBLAS and cuDNN 9 (what ONNX Runtime's CUDA provider needs), no compiler ---
FROM nvidia/cuda:${CUDA_VERSION}-cudnn-runtime-${CUDA_UBUNTU} AS cuda
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libgomp1 ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 speech \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/speech-server --create-home speech \
 && mkdir -p /models /var/lib/speech-server/uploads && chown -R speech:speech /models /var/lib/speech-server
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=build-cuda /app/package.json ./
COPY --from=build-cuda /app/node_modules ./node_modules
COPY --from=build-cuda /app/dist ./dist
COPY --from=build-cuda /app/web ./web
COPY --from=build-cuda /app/native/build/Release ./native/build/Release
ENV NODE_ENV=production \
    PORT=8088 \
    UPLOAD_DIR=/var/lib/speech-server/uploads \
    MODELS_DIR=/models \
    WHISPER_USE_GPU=true \
    DIARIZATION_PROVIDER=cuda
USER speech
EXPOSE 8088
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8088)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["tini", "--"]
CMD ["node", "--max-semi-space-size=2", "dist/src/main.js"]

# --- CPU runtime (default target) ---
FROM ${NODE_IMAGE} AS cpu
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libgomp1 ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 speech \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/speech-server --create-home speech \
 && mkdir -p /models /var/lib/speech-server/uploads && chown -R speech:speech /models /var/lib/speech-server
WORKDIR /app
COPY --from=build-cpu /app/package.json ./
COPY --from=build-cpu /app/node_modules ./node_modules
COPY --from=build-cpu /app/dist ./dist
COPY --from=build-cpu /app/web ./web
COPY --from=build-cpu /app/native/build/Release ./native/build/Release
ENV NODE_ENV=production \
    PORT=8088 \
    UPLOAD_DIR=/var/lib/speech-server/uploads \
    MODELS_DIR=/models
USER speech
EXPOSE 8088
# The API answers /health; a worker-only container serves no HTTP, so compose overrides this for workers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8088)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["tini", "--"]
CMD ["node", "--max-semi-space-size=2", "dist/src/main.js"]
