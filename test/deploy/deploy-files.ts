import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/shared-files';

export const readRepoFile = (...parts: string[]): string =>
  readFileSync(path.join(repoRoot, ...parts), 'utf8');

/** A systemd unit as sections of key/value lists (keys may repeat), after the same rules systemd reads. */
export type Unit = Map<string, Map<string, string[]>>;

export function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | null = null;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1], section);
      return;
    }
    const pair = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!pair || !section) throw new Error(`line ${index + 1} is not a key=value line in a section: ${raw}`);
    section.set(pair[1], [...(section.get(pair[1]) ?? []), pair[2].trim()]);
  });
  return unit;
}

/** The last value of a key, as systemd uses for single-valued settings. */
export function setting(unit: Unit, section: string, key: string): string | undefined {
  return unit.get(section)?.get(key)?.at(-1);
}

/** systemd time spans such as `45s`, `2min`, `1min 30s`, or a bare number of seconds. */
export function seconds(span: string): number {
  const units: Record<string, number> = { '': 1, s: 1, sec: 1, m: 60, min: 60, h: 3600 };
  let total = 0;
  for (const part of span.trim().split(/\s+/)) {
    const match = /^(\d+(?:\.\d+)?)(s|sec|m|min|h|)$/.exec(part);
    if (!match) throw new Error(`not a time span: ${span}`);
    total += Number(match[1]) * units[match[2]];
  }
  return total;
}

/** `KEY=value` lines of an env file. */
export function parseEnvFile(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env.set(match[1], match[2]);
  }
  return env;
}

/** Dockerfile instructions with continuation lines joined: `[instruction, arguments]`. */
export function parseDockerfile(text: string): [string, string][] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [instruction, ...rest] = line.split(/\s+/);
      return [instruction.toUpperCase(), rest.join(' ')];
    });
}

/**
 * The environment variables the app reads: those of its EnvDto where that file exists, plus the ones the
 * deployment brief names, so that a misspelt variable in a deployment file is caught.
 */
export function knownEnvVars(): Set<string> {
  const names = new Set([
    'PORT',
    'HOST',
    'APP_ROLE',
    'REDIS_URL',
    'JWT_SECRET',
    'TEST_TOKEN',
    'WHISPER_MODEL_PATH',
    'VAD_MODEL_PATH',
    'SEGMENTATION_MODEL_PATH',
    'EMBEDDING_MODEL_PATH',
    'UPLOAD_DIR',
    'MAX_UPLOAD_BYTES',
    'JOB_TIMEOUT_MS',
    'RESULT_TTL_MS',
    'WORKER_CONCURRENCY',
    'SHUTDOWN_GRACE_MS',
    'LOG_LEVEL',
    'NODE_ENV',
    'MODELS_DIR',
    'MODELS_MIRROR',
  ]);
  try {
    const dto = readRepoFile('src', 'config', 'env.dto.ts');
    for (const match of dto.matchAll(/^\s{2}([A-Z][A-Z0-9_]+)[!?]?\s*[:=]/gm)) names.add(match[1]);
  } catch {
    // The app's config is another area's file; without it the brief's list stands alone.
  }
  return names;
}

/**
 * The longest a worker may take to stop after SIGTERM, from the processor's own constants: pausing the
 * queue (bounded by the grace when Redis is down), the grace itself, then the settle time of aborted jobs.
 */
export function workerStopWorstCase(graceSeconds: number): number {
  const processor = readRepoFile('src', 'transcription', 'transcription.processor.ts');
  const settle = Number(/const ABORT_SETTLE_MS = ([\d_]+);/.exec(processor)?.[1].replace(/_/g, '')) / 1000;
  if (!Number.isFinite(settle)) throw new Error('ABORT_SETTLE_MS not found in transcription.processor.ts');
  return 2 * graceSeconds + settle;
}
