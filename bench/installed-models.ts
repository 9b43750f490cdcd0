import path from 'node:path';
import { configuredModelPath } from '../src/config/model-discovery';

/**
 * The segmentation graph the server would run: SEGMENTATION_MODEL_PATH, else the one installed under
 * MODELS_DIR (default ./models, where setup derives the float-SincNet graph), else the shared int8 export.
 */
export function installedSegmentationModel(sharedDir: string): string {
  const installed = configuredModelPath('SEGMENTATION_MODEL_PATH', {
    ...process.env,
    MODELS_DIR: process.env.MODELS_DIR ?? path.join(__dirname, '..', '..', 'models'),
  });
  return installed ?? path.join(sharedDir, 'models', 'segmentation', 'pyannote-segmentation-3.0.int8.onnx');
}
