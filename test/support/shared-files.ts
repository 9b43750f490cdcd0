import { existsSync } from 'node:fs';
import path from 'node:path';
import { configuredModelPath } from '../../src/config/model-discovery';

/** Repository root (this file compiles to dist/test/support/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/**
 * The models and fixtures of ../shared are never committed; tests find them through SHARED_DIR
 * (default: the folder beside the repository) and skip, saying why, where they are absent.
 */
export const sharedDir = path.resolve(process.env.SHARED_DIR ?? path.join(repoRoot, '..', 'shared'));

export const sharedPath = (...parts: string[]): string => path.join(sharedDir, ...parts);

export const models = {
  whisperTiny: sharedPath('models', 'whisper', 'for-tests-ggml-tiny.bin'),
  whisperBase: sharedPath('models', 'whisper', 'for-tests-ggml-base.bin'),
  sileroVad: sharedPath('models', 'vad', 'ggml-silero-v6.2.0.bin'),
  segmentation: sharedPath('models', 'segmentation', 'pyannote-segmentation-3.0.int8.onnx'),
};

/**
 * The segmentation graph a user of this checkout gets: SEGMENTATION_MODEL_PATH, else the one installed
 * under MODELS_DIR (setup derives the float-SincNet graph there), else the shared int8 export.
 */
export function installedSegmentationModel(): string {
  const installed = configuredModelPath('SEGMENTATION_MODEL_PATH', {
    ...process.env,
    MODELS_DIR: process.env.MODELS_DIR ?? path.join(repoRoot, 'models'),
  });
  return installed ?? models.segmentation;
}

export const fixtures = {
  audio: (name: string): string => sharedPath('fixtures', 'audio', name),
  real: (name: string): string => sharedPath('fixtures', 'real', name),
  bad: (name: string): string => sharedPath('fixtures', 'bad', name),
};

/**
 * For node:test's `skip` option: false when every file exists, otherwise a message naming the
 * first missing one, so a skipped test says exactly what it needed.
 */
export function skipUnlessPresent(...files: string[]): string | false {
  const missing = files.find((file) => !existsSync(file));
  return missing ? `needs ${missing} (set SHARED_DIR to the folder holding models/ and fixtures/)` : false;
}
