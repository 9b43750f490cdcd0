import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { FLOAT_SINCNET_SEGMENTATION_FILE, INT8_SEGMENTATION_FILE } from '../../libs/models';
import { configuredModelPath, withInstalledModels } from '../../src/config/model-discovery';

describe('segmentation model discovery', () => {
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'discovery-'));
  after(() => rmSync(modelsDir, { recursive: true, force: true }));
  const folder = path.join(modelsDir, 'segmentation');
  mkdirSync(folder);
  const int8 = path.join(folder, INT8_SEGMENTATION_FILE);
  const derived = path.join(folder, FLOAT_SINCNET_SEGMENTATION_FILE);
  const found = (env: Record<string, string>) =>
    withInstalledModels({ MODELS_DIR: modelsDir, ...env }).SEGMENTATION_MODEL_PATH;

  test('takes the int8 export where it is alone, and the float-SincNet graph once it is derived', () => {
    writeFileSync(int8, 'int8');
    assert.equal(found({}), int8);
    assert.equal(configuredModelPath('SEGMENTATION_MODEL_PATH', { MODELS_DIR: modelsDir }), int8);
    writeFileSync(derived, 'derived');
    // The server's env validation and the CLI's option defaults read the same discovery.
    assert.equal(found({}), derived);
    assert.equal(configuredModelPath('SEGMENTATION_MODEL_PATH', { MODELS_DIR: modelsDir }), derived);
  });

  test('SEGMENTATION_MODEL_PATH still wins, and `off` turns it off in the CLI too', () => {
    writeFileSync(int8, 'int8');
    writeFileSync(derived, 'derived');
    assert.equal(found({ SEGMENTATION_MODEL_PATH: int8 }), int8);
    const env = { MODELS_DIR: modelsDir, SEGMENTATION_MODEL_PATH: int8 };
    assert.equal(configuredModelPath('SEGMENTATION_MODEL_PATH', env), int8);
    assert.equal(
      configuredModelPath('SEGMENTATION_MODEL_PATH', { ...env, SEGMENTATION_MODEL_PATH: 'off' }),
      undefined,
    );
  });
});
