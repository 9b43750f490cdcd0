import { type ExecutionProvider } from '../inference';
import { type LocalSegmentation, SegmentationModel } from '../segmentation';

/** Community-1's window step: 10 % of the 10 s window. */
const STEP_RATIO = 0.1;

/** This project's segmentation of 16 kHz mono audio with the given model, as the diarizer runs it. */
export async function segmentAudio(
  modelPath: string,
  samples: Float32Array,
  options: { threads?: number; executionProvider?: ExecutionProvider } = {},
): Promise<LocalSegmentation> {
  const model = await SegmentationModel.load(modelPath, options);
  try {
    return await model.segment(samples, {
      stepSamples: model.info.windowSamples * STEP_RATIO,
      batchSize: 1,
    });
  } finally {
    await model.release();
  }
}
