import os from 'node:os';
import path from 'node:path';
import { planStageSchedule } from '../../libs/pipeline';
import type { AppRole, EnvDto } from './env.dto';
import { parseTrustProxy, type TrustProxy } from './trust-proxy';

/**
 * The validated configuration, grouped by concern. Injected wherever a setting is needed, so no
 * other code reads process.env.
 */
export class AppConfig {
  readonly role: AppRole;
  readonly http: { port: number; host: string; trustProxy: TrustProxy };
  readonly auth: {
    jwtSecret: string;
    testToken: string | null;
    /** Claims a JWT must carry: `iss` and `aud` values when set, and whether `exp` and `sub` must be there. */
    jwt: { issuer: string | null; audience: string | null; requireExp: boolean; requireSub: boolean };
  };
  readonly redis: { url: string; prefix: string };
  readonly upload: { dir: string; maxBytes: number; sweepIntervalMs: number; orphanAgeMs: number };
  readonly jobs: {
    concurrency: number;
    timeoutMs: number;
    shutdownGraceMs: number;
    lockDurationMs: number;
    stalledIntervalMs: number;
    /** Diarization runs while Whisper transcribes (DIARIZE_ALONGSIDE, planned from the cores). */
    diarizeAlongside: boolean;
  };
  readonly results: { ttlMs: number };
  readonly whisper: {
    modelPath: string | null;
    vadModelPath: string | null;
    threads: number;
    useGpu: boolean;
    gpuDevice: number;
    flashAttention: boolean;
  };
  readonly diarization: {
    segmentationModelPath: string | null;
    embeddingModelPath: string | null;
    executionProvider: 'cpu' | 'cuda';
    gpuDevice: number;
    threads: number;
    stepRatio: number;
    embeddingStep: number;
  };
  readonly logLevel: string;
  readonly webhooks: { allowedHosts: string; secret: string | null };
  readonly mediaUrls: { allowedHosts: string; timeoutMs: number };
  readonly metrics: { port: number };
  readonly rateLimit: { uploadsPerMinute: number; pollsPerMinute: number };

  constructor(env: EnvDto) {
    this.role = env.APP_ROLE;
    this.http = { port: env.PORT, host: env.HOST, trustProxy: parseTrustProxy(env.TRUST_PROXY) };
    this.auth = {
      jwtSecret: env.JWT_SECRET,
      testToken: env.TEST_TOKEN ?? null,
      jwt: {
        issuer: env.JWT_ISSUER ?? null,
        audience: env.JWT_AUDIENCE ?? null,
        requireExp: env.JWT_REQUIRE_EXP,
        requireSub: env.JWT_REQUIRE_SUB,
      },
    };
    this.redis = { url: env.REDIS_URL, prefix: env.REDIS_PREFIX };
    this.upload = {
      dir: path.resolve(env.UPLOAD_DIR),
      maxBytes: env.MAX_UPLOAD_BYTES,
      sweepIntervalMs: env.UPLOAD_SWEEP_INTERVAL_MS,
      orphanAgeMs: env.UPLOAD_ORPHAN_AGE_MS,
    };
    // Whisper's and diarization's threads are planned together: side by side they share the cores.
    const schedule = planStageSchedule(env.DIARIZE_ALONGSIDE, {
      cores: os.availableParallelism(),
      jobs: env.WORKER_CONCURRENCY,
      whisperOnGpu: env.WHISPER_USE_GPU,
      diarizationOnGpu: env.DIARIZATION_PROVIDER === 'cuda',
      whisperThreads: env.WHISPER_THREADS,
      diarizationThreads: env.DIARIZATION_THREADS,
    });
    this.jobs = {
      concurrency: env.WORKER_CONCURRENCY,
      timeoutMs: env.JOB_TIMEOUT_MS,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      lockDurationMs: env.QUEUE_LOCK_DURATION_MS,
      stalledIntervalMs: env.QUEUE_STALLED_INTERVAL_MS,
      diarizeAlongside: schedule.diarizeAlongside,
    };
    this.results = { ttlMs: env.RESULT_TTL_MS };
    this.whisper = {
      modelPath: env.WHISPER_MODEL_PATH ?? null,
      vadModelPath: env.VAD_MODEL_PATH ?? null,
      // Concurrent jobs share the cores rather than each taking all of them.
      threads: schedule.whisperThreads,
      useGpu: env.WHISPER_USE_GPU,
      gpuDevice: env.WHISPER_GPU_DEVICE,
      flashAttention: env.WHISPER_FLASH_ATTENTION,
    };
    this.diarization = {
      segmentationModelPath: env.SEGMENTATION_MODEL_PATH ?? null,
      embeddingModelPath: env.EMBEDDING_MODEL_PATH ?? null,
      executionProvider: env.DIARIZATION_PROVIDER,
      gpuDevice: env.DIARIZATION_GPU_DEVICE,
      threads: schedule.diarizationThreads,
      stepRatio: env.DIARIZATION_STEP,
      embeddingStep: env.DIARIZATION_EMBEDDING_STEP,
    };
    this.logLevel = env.LOG_LEVEL;
    this.webhooks = { allowedHosts: env.WEBHOOK_ALLOWED_HOSTS, secret: env.WEBHOOK_SECRET ?? null };
    this.mediaUrls = { allowedHosts: env.MEDIA_URL_ALLOWED_HOSTS, timeoutMs: env.MEDIA_URL_TIMEOUT_MS };
    this.metrics = { port: env.METRICS_PORT };
    this.rateLimit = {
      uploadsPerMinute: env.RATE_LIMIT_UPLOADS_PER_MINUTE,
      pollsPerMinute: env.RATE_LIMIT_POLLS_PER_MINUTE,
    };
  }

  get runsApi(): boolean {
    return this.role !== 'worker';
  }

  get runsWorker(): boolean {
    return this.role !== 'api';
  }
}
