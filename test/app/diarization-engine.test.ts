import 'reflect-metadata';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { describe, test } from 'node:test';
import { PyannoteDiarizationEngine } from '../../src/diarization/pyannote-diarization.engine';
import { workerConfig } from './support/worker-config';

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Loader };

describe('the diarization engine at start-up', () => {
  test('without a segmentation model it is unavailable, and the worker starts', async () => {
    const engine = new PyannoteDiarizationEngine(workerConfig({ SEGMENTATION_MODEL_PATH: 'off' }));
    await engine.onModuleInit();
    assert.equal(engine.available, false);
  });

  test('a configured model whose library cannot load stops the worker instead of giving every word to speaker 0', async () => {
    const engine = new PyannoteDiarizationEngine(workerConfig({ SEGMENTATION_MODEL_PATH: __filename }));
    const original = loader._load;
    // As when onnxruntime-node's native binary is missing for this platform.
    loader._load = function (request, parent, isMain) {
      if (request.endsWith('libs/diarization')) throw new Error('cannot open onnxruntime_binding.node');
      return original.call(this, request, parent, isMain);
    };
    try {
      await assert.rejects(
        engine.onModuleInit(),
        /SEGMENTATION_MODEL_PATH is set but the diarization library cannot be loaded/,
      );
    } finally {
      loader._load = original;
    }
    assert.equal(engine.available, false);
  });
});
