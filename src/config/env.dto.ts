import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { AllowedHostsSpec } from './allowed-hosts.validator';
import { FileExists } from './file-exists.validator';
import { TrustProxySpec } from './trust-proxy';
import { MODEL_OFF } from './model-discovery';
import { DIARIZE_ALONGSIDE_MODES, type DiarizeAlongsideMode } from '../../libs/pipeline';

export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppRole = (typeof APP_ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** The contract's processing limit and result lifetime. */
const THREE_HOURS_MS = 3 * 60 * 60 * 1000;

/** Blank values in .env (`TEST_TOKEN=`) mean "unset", as they did for the old server. */
const blankToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** An optional model: blank means unset, `off`/`none` means not used even where one is installed. */
const optionalModel = ({ value }: { value: unknown }): unknown => {
  const text = blankToUndefined({ value });
  return typeof text === 'string' && MODEL_OFF.includes(text.trim().toLowerCase()) ? undefined : text;
};

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
  return value;
};

/** auto | on | off, with the booleans' spellings (true, false, 1, 0, ...) for on and off. */
const toAlongsideMode = ({ value }: { value: unknown }): unknown => {
  const flag = toBoolean({ value: typeof value === 'string' && value.trim() === '' ? 'auto' : value });
  return typeof flag === 'boolean'
    ? flag
      ? 'on'
      : 'off'
    : typeof flag === 'string'
      ? flag.trim().toLowerCase()
      : flag;
};

const needsWorker = (env: EnvDto): boolean => env.APP_ROLE !== 'api';

/**
 * Every environment variable the server reads, with its default. Checked once at start-up
 * (validateEnv), so a bad value stops the process with a message naming it instead of failing later.
 */
export class EnvDto {
  @IsIn(APP_ROLES, { message: 'APP_ROLE must be one of all, api, worker' })
  APP_ROLE: AppRole = 'all';

  @Type(() => Number)
  @IsInt({ message: 'PORT must be an integer' })
  @Min(0)
  @Max(65535)
  PORT = 8088;

  @IsString()
  @IsNotEmpty()
  HOST = '0.0.0.0';

  /**
   * Which proxies' X-Forwarded-For to believe for the client address (see trust-proxy.ts): by default
   * one on this host, such as Caddy in deploy/. Without it every client behind the proxy is one address.
   */
  @TrustProxySpec()
  TRUST_PROXY = 'loopback';

  @Transform(blankToUndefined)
  @IsString({ message: 'JWT_SECRET must be set: the HS256 secret that signs and checks the JWTs' })
  @IsNotEmpty()
  JWT_SECRET!: string;

  /** When set, a JWT's `iss` must equal it. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  /** When set, a JWT's `aud` must be (or contain) it. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  /** Refuse JWTs without `exp` (off by default: the old server's tokens may have none). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'JWT_REQUIRE_EXP must be true or false' })
  JWT_REQUIRE_EXP = false;

  /** Refuse JWTs without `sub`; off, such tokens share the owner `anonymous`. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'JWT_REQUIRE_SUB must be true or false' })
  JWT_REQUIRE_SUB = false;

  /** Static token for tests and tooling; disabled when unset or blank. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  TEST_TOKEN?: string;

  /** Only used to download gated models; accepted so that the old server's .env still loads. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  HUGGING_FACE_TOKEN?: string;

  /** Set by main.ts to an embedded redis-server when absent. */
  @Transform(blankToUndefined)
  @IsString({ message: 'REDIS_URL must be set, e.g. redis://127.0.0.1:6379 (npm start sets it when absent)' })
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must start with redis:// or rediss://' })
  REDIS_URL!: string;

  /** Prefix of every Redis key (queue and results): lets several deployments or test runs share one Redis. */
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'REDIS_PREFIX may hold letters, digits, _ . - (1 to 64)' })
  REDIS_PREFIX = 'speech';

  @IsString()
  @IsNotEmpty()
  UPLOAD_DIR = 'uploads';

  @Type(() => Number)
  @IsInt({ message: 'MAX_UPLOAD_BYTES must be an integer number of bytes' })
  @Min(1)
  MAX_UPLOAD_BYTES = 1024 ** 3;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY = 1;

  @Type(() => Number)
  @IsInt({ message: 'JOB_TIMEOUT_MS must be an integer number of milliseconds' })
  @Min(1)
  JOB_TIMEOUT_MS = THREE_HOURS_MS;

  @Type(() => Number)
  @IsInt({ message: 'RESULT_TTL_MS must be an integer number of milliseconds' })
  @Min(1)
  RESULT_TTL_MS = THREE_HOURS_MS;

  /** How long a stopping worker lets running jobs finish before handing them back to the queue. */
  @Type(() => Number)
  @IsInt({ message: 'SHUTDOWN_GRACE_MS must be an integer number of milliseconds' })
  @Min(0)
  SHUTDOWN_GRACE_MS = 15_000;

  /**
   * Bull's job lock: a worker renews it every half of this; a job whose lock lapses (its worker
   * died) is handed to another worker by the stalled-job check, run every QUEUE_STALLED_INTERVAL_MS.
   */
  @Type(() => Number)
  @IsInt({ message: 'QUEUE_LOCK_DURATION_MS must be an integer number of milliseconds' })
  @Min(1000)
  QUEUE_LOCK_DURATION_MS = 120_000;

  @Type(() => Number)
  @IsInt({ message: 'QUEUE_STALLED_INTERVAL_MS must be an integer number of milliseconds' })
  @Min(500)
  QUEUE_STALLED_INTERVAL_MS = 30_000;

  /** How often a worker sweeps the upload folder, and how old a file must be before it may be swept. */
  @Type(() => Number)
  @IsInt({ message: 'UPLOAD_SWEEP_INTERVAL_MS must be an integer number of milliseconds' })
  @Min(100)
  UPLOAD_SWEEP_INTERVAL_MS = 600_000;

  @Type(() => Number)
  @IsInt({ message: 'UPLOAD_ORPHAN_AGE_MS must be an integer number of milliseconds' })
  @Min(0)
  UPLOAD_ORPHAN_AGE_MS = 600_000;

  /** Where `npm run models` installs models; unset model paths are looked up there. */
  @IsString()
  @IsNotEmpty()
  MODELS_DIR = 'models';

  @ValidateIf(needsWorker)
  @Transform(blankToUndefined)
  @IsString({
    message:
      'WHISPER_MODEL_PATH must be set to a ggml Whisper model (the worker loads it), or a model installed ' +
      'under MODELS_DIR with npm run models',
  })
  @FileExists()
  WHISPER_MODEL_PATH?: string;

  /** Silero VAD (ggml) for whisper.cpp; VAD is on when set. */
  @ValidateIf((env: EnvDto) => needsWorker(env) && env.VAD_MODEL_PATH !== undefined)
  @Transform(optionalModel)
  @FileExists()
  VAD_MODEL_PATH?: string;

  /** pyannote segmentation ONNX; without it every word goes to speaker 0. */
  @ValidateIf((env: EnvDto) => needsWorker(env) && env.SEGMENTATION_MODEL_PATH !== undefined)
  @Transform(optionalModel)
  @FileExists()
  SEGMENTATION_MODEL_PATH?: string;

  /** Speaker-embedding ONNX (WeSpeaker-like); selects the embedding clustering strategy. */
  @ValidateIf((env: EnvDto) => needsWorker(env) && env.EMBEDDING_MODEL_PATH !== undefined)
  @Transform(optionalModel)
  @FileExists()
  EMBEDDING_MODEL_PATH?: string;

  /** CPU threads per whisper.cpp job; 0 = the cores divided among concurrent jobs. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(256)
  WHISPER_THREADS = 0;

  @Transform(toBoolean)
  @IsBoolean({ message: 'WHISPER_USE_GPU must be true or false' })
  WHISPER_USE_GPU = false;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  WHISPER_GPU_DEVICE = 0;

  /** whisper.cpp's default; some older GPUs need it off. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'WHISPER_FLASH_ATTENTION must be true or false' })
  WHISPER_FLASH_ATTENTION = true;

  @IsIn(['cpu', 'cuda'], { message: 'DIARIZATION_PROVIDER must be cpu or cuda' })
  DIARIZATION_PROVIDER: 'cpu' | 'cuda' = 'cpu';

  /** The CUDA device ONNX Runtime runs diarization on (DIARIZATION_PROVIDER=cuda), as WHISPER_GPU_DEVICE for Whisper. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  DIARIZATION_GPU_DEVICE = 0;

  /**
   * Diarization inference threads, each running whole windows on its own single-threaded ONNX Runtime
   * session off the event loop (~80 MB each); 0 = the cores up to 4 (1 with cuda).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(256)
  DIARIZATION_THREADS = 0;

  /**
   * Segmentation window step as a fraction of the 10 s window. 0.1 is pyannote's (the DER figures of
   * the README); 0.2 halves diarization time for a little accuracy.
   */
  @Type(() => Number)
  @IsNumber({}, { message: 'DIARIZATION_STEP must be a number' })
  @Min(0.05)
  @Max(1)
  DIARIZATION_STEP = 0.1;

  /**
   * With an embedding model: every n-th window goes through it, the windows between copy their
   * neighbours' vectors (1 = every window, pyannote's way; the default 3 runs 0.40 windows in 1).
   */
  @Type(() => Number)
  @IsInt({ message: 'DIARIZATION_EMBEDDING_STEP must be a whole number' })
  @Min(1)
  @Max(10)
  DIARIZATION_EMBEDDING_STEP = 3;

  /**
   * Diarize while Whisper transcribes: `auto` where either runs on a GPU, splitting the cores
   * between them (libs/pipeline planStageSchedule); `on`; `off`.
   */
  @Transform(toAlongsideMode)
  @IsIn(DIARIZE_ALONGSIDE_MODES, { message: 'DIARIZE_ALONGSIDE must be auto, on or off' })
  DIARIZE_ALONGSIDE: DiarizeAlongsideMode = 'auto';

  /** Hosts that callback_url may name (libs/webhooks syntax); empty = webhooks off. */
  @IsString()
  @AllowedHostsSpec()
  WEBHOOK_ALLOWED_HOSTS = '';

  /** Hosts that audio_url may name (the webhook allow-list syntax); empty = media by URL off. */
  @IsString()
  @AllowedHostsSpec()
  MEDIA_URL_ALLOWED_HOSTS = '';

  /** Limit on fetching one audio_url (every redirect and the whole body), within the request. */
  @Type(() => Number)
  @IsInt({ message: 'MEDIA_URL_TIMEOUT_MS must be an integer number of milliseconds' })
  @Min(100)
  MEDIA_URL_TIMEOUT_MS = 120_000;

  /** HMAC-SHA256 key that signs webhooks; required once WEBHOOK_ALLOWED_HOSTS is set. */
  @ValidateIf((env: EnvDto) => env.WEBHOOK_ALLOWED_HOSTS.trim() !== '')
  @Transform(blankToUndefined)
  @MinLength(16, { message: 'WEBHOOK_SECRET must be at least 16 characters' })
  @IsString({ message: 'WEBHOOK_SECRET must be set when WEBHOOK_ALLOWED_HOSTS is: it signs the webhooks' })
  WEBHOOK_SECRET?: string;

  /** Port of the worker role's /metrics and /health listener (the worker serves no other HTTP); 0 = none. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT = 0;

  /** Uploads (POST /transcribe, /v1/audio/transcriptions, ...) per subject per minute; 0 = unlimited. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  RATE_LIMIT_UPLOADS_PER_MINUTE = 600;

  /** GET /result polls per subject and task per minute (20 a second by default); 0 = unlimited. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  RATE_LIMIT_POLLS_PER_MINUTE = 1200;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
}
