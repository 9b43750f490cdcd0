import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Turns a model off even where one is installed. */
export const MODEL_OFF = ['off', 'none'];

interface ModelSlot {
  variable: 'WHISPER_MODEL_PATH' | 'VAD_MODEL_PATH' | 'SEGMENTATION_MODEL_PATH' | 'EMBEDDING_MODEL_PATH';
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
    preferred: ['pyannote-segmentation-3.0.int8.onnx', 'pyannote-segmentation-3.0.onnx'],
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
