# syntax=docker/dockerfile:1
# Speech server image. Two targets:
#   docker build -t speech-server:cpu .                      CPU (the default: the last stage)
#   docker build -t speech-server:cuda --target cuda .       NVIDIA GPU (whisper.cpp with cuBLAS, ONNX Runtime CUDA EP)
# Models are not baked in: mount them at /models (see docker-compose.yml and deploy/README.md).

ARG NODE_IMAGE=node:20.20-bookworm-slim
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
# ggml sets GGML_NATIVE=OFF when SOURCE_DATE_EPOCH is set: the binary must run on any x86-64 host,
# not only on the CPU that built the image (-march=native would crash elsewhere with SIGILL).
ENV SOURCE_DATE_EPOCH=0 \
    ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:native \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund

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
ENV SOURCE_DATE_EPOCH=0 \
    CUDAARCHS=${CUDA_ARCHITECTURES} \
    ONNXRUNTIME_NODE_INSTALL=cuda12
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:native -- --cuda \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# --- CUDA runtime: cuBLAS and cuDNN (ONNX Runtime's CUDA provider) without the compiler ---
FROM nvidia/cuda:${CUDA_VERSION}-cudnn-runtime-${CUDA_UBUNTU} AS cuda
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libgomp1 ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/speech-server --create-home speech \
 && mkdir -p /models /var/lib/speech-server/uploads && chown -R speech:speech /models /var/lib/speech-server
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=build-cuda /app/package.json ./
COPY --from=build-cuda /app/node_modules ./node_modules
COPY --from=build-cuda /app/dist ./dist
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
 && useradd --system --uid 10001 --home-dir /var/lib/speech-server --create-home speech \
 && mkdir -p /models /var/lib/speech-server/uploads && chown -R speech:speech /models /var/lib/speech-server
WORKDIR /app
COPY --from=build-cpu /app/package.json ./
COPY --from=build-cpu /app/node_modules ./node_modules
COPY --from=build-cpu /app/dist ./dist
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
