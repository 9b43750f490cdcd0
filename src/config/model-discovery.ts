import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FLOAT_SINCNET_SEGMENTATION_FILE, INT8_SEGMENTATION_FILE } from '../../libs/models';

/** Turns a model off even where one is installed. */
export const MODEL_OFF = ['off', 'none'];

export type ModelVariable =
  'WHISPER_MODEL_PATH' | 'VAD_MODEL_PATH' | 'SEGMENTATION_MODEL_PATH' | 'EMBEDDING_MODEL_PATH';

interface ModelSlot {
  variable: ModelVariable;
  /** Sub-folder of MODELS_DIR, as `npm run models` lays it out. */
  folder: string;
  preferred: string[];
  extension: string;
}

const SLOTS: ModelSlot[] = [
  { variable: 'WHISPER_MODEL_PATH', folder: 'whisper', preferred: ['ggml-base.bin'], extension: '.bin' },
  { variable: 'VAD_MODEL_PATH', folder: 'vad', preferred: ['ggml-silero-v6.2.0.bin'], extension: '.bin' },
  {
    variable: 'SEGMENTATION_MODEL_PATH',
    folder: 'segmentation',
    // The float-SincNet graph agrees with pyannote's fp32 model on 99.6 % of cells against 95 % for the
    // int8 export it is derived from, at about the same speed (bench/segmentation-graphs.ts).
    preferred: [FLOAT_SINCNET_SEGMENTATION_FILE, INT8_SEGMENTATION_FILE, 'pyannote-segmentation-3.0.onnx'],
    extension: '.onnx',
  },
  { variable: 'EMBEDDING_MODEL_PATH', folder: 'embedding', preferred: [], extension: '.onnx' },
];

/**
 * Fills unset model paths from MODELS_DIR (default ./models), where `npm run models` installs them:
 * the preferred file name, else the first file of the right kind. Explicit values, and `off`, win.
 */
export function withInstalledModels(raw: Record<string, unknown>): Record<string, unknown> {
  const modelsDir =
    typeof raw.MODELS_DIR === 'string' && raw.MODELS_DIR.trim() !== '' ? raw.MODELS_DIR : 'models';
  const filled = { ...raw };
  for (const slot of SLOTS) {
    const current = raw[slot.variable];
    if (typeof current === 'string' && current.trim() !== '') continue;
    const found = findModel(path.join(modelsDir, slot.folder), slot);
    if (found) filled[slot.variable] = found;
  }
  return filled;
}

/**
 * The model a variable names: its value when set (as the CLI's options default to it), else the file
 * `withInstalledModels` would find in MODELS_DIR; undefined when neither gives one.
 */
export function configuredModelPath(
  variable: ModelVariable,
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  const value = env[variable];
  if (value !== undefined && value.trim() !== '')
    return MODEL_OFF.includes(value.trim().toLowerCase()) ? undefined : value;
  const found = withInstalledModels({ MODELS_DIR: env.MODELS_DIR })[variable];
  return typeof found === 'string' ? found : undefined;
}

function findModel(folder: string, slot: ModelSlot): string | null {
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch {
    return null;
  }
  const candidates = [...slot.preferred, ...names.filter((name) => name.endsWith(slot.extension))];
  for (const name of candidates) {
    const file = path.join(folder, name);
    try {
      if (statSync(file).isFile()) return path.resolve(file);
    } catch {
      // not there; try the next
    }
  }
  return null;
}
