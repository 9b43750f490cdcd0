import os from 'node:os';
import { InvalidArgumentError } from './errors';
import { composePrompt } from './hotwords';
import { isAutoLanguage, isWhisperLanguage } from './languages';
import type { NativeTranscribeOptions } from './native-types';
import type { LoadModelOptions, NewSegment, TranscribeOptions, VadOptions } from './types';
import type { VadParameters } from './vad-regions';

/** Every option checked and defaulted, ready for the addon. */
export interface PreparedTranscribe {
  native: NativeTranscribeOptions;
  requestedLanguage: string | null;
  wordTimestamps: boolean;
  vad: (VadParameters & { modelPath: string }) | null;
  onProgress: ((percent: number) => void) | undefined;
  onSegment: ((segment: NewSegment) => void) | undefined;
  signal: AbortSignal | undefined;
  onSamplesConsumed: (() => void | Promise<void>) | undefined;
}

export const DEFAULT_THREADS = Math.max(1, Math.min(4, os.availableParallelism()));

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value}" (string)`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${String(value)} (${typeof value})`;
  return `a value of type ${typeof value}`;
}

function invalid(name: string, expected: string, actual: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`expected ${expected} for ${name} but received ${describe(actual)}`);
}

function optionalNumber(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(name, `a number from ${min} to ${max}`, value);
  }
  return value;
}

function optionalInteger(name: string, value: unknown, min: number, max: number, fallback: number): number {
  const number = optionalNumber(name, value, min, max, fallback);
  if (!Number.isInteger(number)) throw invalid(name, `an integer from ${min} to ${max}`, value);
  return number;
}

function optionalBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(name, 'a boolean', value);
  return value;
}

function requiredPath(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw invalid(name, 'a file path', value);
  }
  return value;
}

function requireObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(name, 'an object', value);
  }
  return value as Record<string, unknown>;
}

export function prepareLoad(options: LoadModelOptions): Required<LoadModelOptions> {
  const record = requireObject('options', options);
  return {
    modelPath: requiredPath('modelPath', record.modelPath),
    useGpu: optionalBoolean('useGpu', record.useGpu, true),
    gpuDevice: optionalInteger('gpuDevice', record.gpuDevice, 0, 255, 0),
    flashAttention: optionalBoolean('flashAttention', record.flashAttention, true),
  };
}

export function checkSamples(samples: unknown): Float32Array {
  if (!(samples instanceof Float32Array)) {
    throw invalid('samples', 'a Float32Array of 16 kHz mono PCM', samples);
  }
  if (samples.length === 0)
    throw new InvalidArgumentError('samples is empty: there is no audio to transcribe');
  if (samples.length > 0x7fffffff)
    throw new InvalidArgumentError('samples: more audio than whisper.cpp takes at once');
  return samples;
}

function prepareLanguage(value: unknown): string | null {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw invalid('language', 'a Whisper language code, null or "auto"', value);
  }
  if (isAutoLanguage(value)) return null;
  const code = (value as string).trim().toLowerCase();
  if (!isWhisperLanguage(code)) {
    throw new InvalidArgumentError(
      `unknown language code "${String(value)}": expected a Whisper code such as en, ko, de`,
    );
  }
  return code;
}

export function prepareVad(value: unknown): (VadParameters & { modelPath: string }) | null {
  if (value === undefined || value === null) return null;
  const vad = requireObject('vad', value) as Partial<Record<keyof VadOptions, unknown>>;
  return {
    modelPath: requiredPath('vad.modelPath', vad.modelPath),
    threshold: optionalNumber('vad.threshold', vad.threshold, 0.01, 0.99, 0.5),
    minSpeechDurationMs: optionalNumber('vad.minSpeechDurationMs', vad.minSpeechDurationMs, 0, 60_000, 250),
    minSilenceDurationMs: optionalNumber(
      'vad.minSilenceDurationMs',
      vad.minSilenceDurationMs,
      0,
      60_000,
      100,
    ),
    maxSpeechDurationS: optionalNumber(
      'vad.maxSpeechDurationS',
      vad.maxSpeechDurationS,
      1,
      Infinity,
      Infinity,
    ),
    speechPadMs: optionalNumber('vad.speechPadMs', vad.speechPadMs, 0, 10_000, 30),
  };
}

export function prepareTranscribe(options: TranscribeOptions | undefined): PreparedTranscribe {
  const record = requireObject('options', options ?? {}) as Partial<Record<keyof TranscribeOptions, unknown>>;
  const language = prepareLanguage(record.language);
  if (record.initialPrompt !== undefined && typeof record.initialPrompt !== 'string') {
    throw invalid('initialPrompt', 'a string', record.initialPrompt);
  }
  if (record.onProgress !== undefined && typeof record.onProgress !== 'function') {
    throw invalid('onProgress', 'a function', record.onProgress);
  }
  if (record.onSegment !== undefined && typeof record.onSegment !== 'function') {
    throw invalid('onSegment', 'a function', record.onSegment);
  }
  if (record.signal !== undefined && !(record.signal instanceof AbortSignal)) {
    throw invalid('signal', 'an AbortSignal', record.signal);
  }
  if (record.hotwords !== undefined && !Array.isArray(record.hotwords)) {
    throw invalid('hotwords', 'an array of strings', record.hotwords);
  }
  if (record.onSamplesConsumed !== undefined && typeof record.onSamplesConsumed !== 'function') {
    throw invalid('onSamplesConsumed', 'a function', record.onSamplesConsumed);
  }
  const wordTimestamps = optionalBoolean('wordTimestamps', record.wordTimestamps, true);
  const prompt = composePrompt(
    (record.initialPrompt as string | undefined) ?? '',
    record.hotwords as unknown[] | undefined,
  );
  return {
    native: {
      language: language ?? 'auto',
      temperature: optionalNumber('temperature', record.temperature, 0, 1, 0),
      temperatureIncrement: optionalNumber('temperatureIncrement', record.temperatureIncrement, 0, 1, 0.2),
      noSpeechThreshold: optionalNumber('noSpeechThreshold', record.noSpeechThreshold, 0, 1, 0.6),
      initialPrompt: prompt.initialPrompt,
      // Only sent when set, so that a call without hotwords is exactly what it was.
      ...(prompt.carryInitialPrompt ? { carryInitialPrompt: true } : {}),
      threads: optionalInteger('threads', record.threads, 1, 256, DEFAULT_THREADS),
      tokenTimestamps: wordTimestamps,
    },
    requestedLanguage: language,
    wordTimestamps,
    vad: prepareVad(record.vad),
    onProgress: record.onProgress as ((percent: number) => void) | undefined,
    onSegment: record.onSegment as ((segment: NewSegment) => void) | undefined,
    signal: record.signal as AbortSignal | undefined,
    onSamplesConsumed: record.onSamplesConsumed as PreparedTranscribe['onSamplesConsumed'],
  };
}
