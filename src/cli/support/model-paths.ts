import { MODEL_OFF, withInstalledModels } from '../../config/model-discovery';

export type ModelVariable =
  'WHISPER_MODEL_PATH' | 'VAD_MODEL_PATH' | 'SEGMENTATION_MODEL_PATH' | 'EMBEDDING_MODEL_PATH';

/**
 * A model's path as the server finds it: the variable, else the model installed under MODELS_DIR
 * (the server's own discovery); blank, `off` and `none` mean no model.
 */
export function configuredModel(
  variable: ModelVariable,
  env: Record<string, unknown> = process.env,
): string | undefined {
  const value = withInstalledModels(env)[variable];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return MODEL_OFF.includes(value.trim().toLowerCase()) ? undefined : value;
}
