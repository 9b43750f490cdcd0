import type { Diarization, DiarizeOptions } from '../../libs/diarization';
import type { DiarizationEngine as DiarizationEnginePort } from '../../libs/pipeline';

/**
 * The pipeline's DiarizationEngine port as a Nest token. `available` is false where no segmentation
 * model is configured; the worker then gives every word to speaker 0.
 */
export abstract class DiarizationEngine implements DiarizationEnginePort {
  abstract readonly available: boolean;

  abstract diarize(
    samples: Float32Array,
    request: DiarizeOptions,
  ): Promise<Pick<Diarization, 'turns' | 'exclusiveTurns'>>;
}
