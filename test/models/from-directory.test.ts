import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import {
  ChecksumMismatchError,
  FLOAT_SINCNET_SEGMENTATION_FILE,
  installFromDirectory,
  MissingModelsError,
  ModelDerivationError,
  ModelInstallError,
  modelCatalogue,
  parseSha256Sums,
  type ModelSpec,
} from '../../libs/models';
import { models, sharedPath, skipUnlessPresent } from '../support/shared-files';
import { filesUnder, sha256 } from '../support/files';

const work = mkdtempSync(path.join(tmpdir(), 'models-from-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe(
  'installing from the shared models folder',
  { skip: skipUnlessPresent(models.segmentation, models.sileroVad) },
  () => {
    const sharedModels = sharedPath('models');

    test('installs every model found there, each verified, and keeps them on a second run', async () => {
      const modelsDir = mkdtempSync(path.join(work, 'shared-'));
      const sums = parseSha256Sums(readFileSync(path.join(sharedModels, 'SHA256SUMS'), 'utf8'));
      const report = await installFromDirectory(sharedModels, { modelsDir, catalogue: modelCatalogue() });
      assert.deepEqual(report.failed, []);
      // Every listed file arrives at the same place under the models folder, byte for byte.
      const expected = [...sums.keys()].map((listed) => listed.replace(/^models\//, '')).sort();
      // Beside them, the segmentation graph derived from the int8 one (bytes of its own: no sum to match).
      const derived = `segmentation/${FLOAT_SINCNET_SEGMENTATION_FILE}`;
      assert.deepEqual(filesUnder(modelsDir), [...expected, derived].sort());
      for (const relative of expected) {
        assert.equal(
          sha256(readFileSync(path.join(modelsDir, relative))),
          sums.get(`models/${relative}`),
          relative,
        );
      }
      assert.ok(report.installed.every((model) => model.verification !== 'unverified'));
      const [segmentation, floatSincnet] = report.installed.filter((model) => model.kind === 'segmentation');
      assert.equal(segmentation?.label, 'pyannote-segmentation-3.0');
      assert.equal(segmentation?.verification, 'checksum', 'the catalogue sha256 matches the shared file');
      assert.equal(floatSincnet?.verification, 'derived');
      assert.equal(floatSincnet?.derivedFrom, segmentation?.path);
      assert.equal(floatSincnet?.path, path.join(modelsDir, derived));

      const again = await installFromDirectory(sharedModels, { modelsDir, catalogue: modelCatalogue() });
      assert.ok(again.installed.every((model) => model.action === 'present'));
    });
  },
);

describe('installing from a local folder', () => {
  let source: string;
  let modelsDir: string;
  const vad = randomBytes(4096);
  const whisper = randomBytes(8192);
  const notes = Buffer.from('not a model');

  const catalogue: ModelSpec[] = modelCatalogue().map((spec) =>
    spec.name === 'base' ? { ...spec, checksum: { algorithm: 'sha256', hex: sha256(whisper) } } : spec,
  );

  beforeEach(() => {
    source = mkdtempSync(path.join(work, 'source-'));
    modelsDir = mkdtempSync(path.join(work, 'dest-'));
  });

  test('upstream file names in a flat folder are recognised; SHA256SUMS verifies what the catalogue cannot', async () => {
    writeFileSync(path.join(source, 'ggml-base.bin'), whisper);
    writeFileSync(path.join(source, 'ggml-silero-v6.2.0.bin'), vad);
    writeFileSync(path.join(source, 'notes.txt'), notes);
    writeFileSync(path.join(source, 'SHA256SUMS'), `${sha256(vad)}  ./ggml-silero-v6.2.0.bin\n`);
    const report = await installFromDirectory(source, { modelsDir, catalogue });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(
      report.installed.map((model) => [model.label, model.verification]),
      [
        ['base', 'checksum'],
        ['silero-v6.2.0', 'sha256sums'],
      ],
    );
    assert.deepEqual(filesUnder(modelsDir), ['vad/ggml-silero-v6.2.0.bin', 'whisper/ggml-base.bin']);
  });

  test('a file that does not match its checksum is not installed, and leaves nothing behind', async () => {
    mkdirSync(path.join(source, 'vad'));
    writeFileSync(path.join(source, 'ggml-base.bin'), Buffer.concat([whisper, Buffer.from('x')]));
    writeFileSync(path.join(source, 'vad', 'ggml-silero-v6.2.0.bin'), vad);
    writeFileSync(
      path.join(source, 'SHA256SUMS'),
      `${sha256(Buffer.from('other'))}  models/vad/ggml-silero-v6.2.0.bin\n`,
    );
    const report = await installFromDirectory(source, { modelsDir, catalogue });
    assert.equal(report.installed.length, 0);
    assert.deepEqual(
      report.failed.map((failure) => [failure.label, failure.error instanceof ChecksumMismatchError]),
      [
        ['base', true],
        ['silero-v6.2.0', true],
      ],
    );
    assert.deepEqual(filesUnder(modelsDir), []);
  });

  test('unknown files are copied only when named, and only from inside the folder', async () => {
    mkdirSync(path.join(source, 'embedding'));
    writeFileSync(path.join(source, 'embedding', 'custom.onnx'), notes);
    await assert.rejects(installFromDirectory(source, { modelsDir, catalogue }), (error: unknown) => {
      assert.ok(error instanceof ModelInstallError);
      assert.match(error.message, /name the files to copy them anyway: embedding\/custom\.onnx/);
      return true;
    });
    const named = await installFromDirectory(source, {
      modelsDir,
      catalogue,
      names: ['embedding/custom.onnx'],
    });
    assert.deepEqual(
      named.installed.map((model) => [model.label, model.kind, model.verification]),
      [['embedding/custom.onnx', 'embedding', 'unverified']],
    );
    assert.deepEqual(readFileSync(path.join(modelsDir, 'embedding', 'custom.onnx')), notes);
    await assert.rejects(
      installFromDirectory(source, { modelsDir, catalogue, names: ['../outside.bin'] }),
      MissingModelsError,
    );
  });

  test('named models absent from the folder are listed with their destination and upstream', async () => {
    writeFileSync(path.join(source, 'ggml-base.bin'), whisper);
    const error = await installFromDirectory(source, {
      modelsDir,
      catalogue,
      names: ['base', 'embedding', 'large-v3-turbo'],
    }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof MissingModelsError);
    assert.deepEqual(
      error.missing.map((missing) => [missing.label, path.relative(modelsDir, missing.path)]),
      [
        ['wespeaker-resnet34-lm-pyannote', 'embedding/wespeaker-resnet34-lm-pyannote.onnx'],
        ['large-v3-turbo', 'whisper/ggml-large-v3-turbo.bin'],
      ],
    );
    assert.match(error.message, /ggml-large-v3-turbo\.bin/);
    assert.deepEqual(filesUnder(modelsDir), [], 'nothing is installed when a named model is missing');
  });

  test("sherpa-onnx's archive dropped into the folder is unpacked", async () => {
    const staging = mkdtempSync(path.join(work, 'staging-'));
    const member = path.join(staging, 'sherpa-onnx-pyannote-segmentation-3-0');
    mkdirSync(member);
    writeFileSync(path.join(member, 'model.int8.onnx'), whisper);
    execFileSync('tar', [
      '-cjf',
      path.join(source, 'sherpa-onnx-pyannote-segmentation-3-0.tar.bz2'),
      '-C',
      staging,
      'sherpa-onnx-pyannote-segmentation-3-0',
    ]);
    const withKnownSum = catalogue.map((spec) =>
      spec.name === 'pyannote-segmentation-3.0'
        ? { ...spec, checksum: { algorithm: 'sha256' as const, hex: sha256(whisper) } }
        : spec,
    );
    const report = await installFromDirectory(source, {
      modelsDir,
      catalogue: withKnownSum,
      names: ['segmentation'],
    });
    assert.deepEqual(
      readFileSync(path.join(modelsDir, 'segmentation', 'pyannote-segmentation-3.0.int8.onnx')),
      whisper,
    );
    // Random bytes stand for the model here: it is installed, and only the graph derived from it fails.
    assert.deepEqual(
      report.failed.map(({ label, error }) => [label, error instanceof ModelDerivationError]),
      [['pyannote-segmentation-3.0 float-SincNet', true]],
    );
    assert.match(
      report.failed[0].error.message,
      /pyannote-segmentation-3\.0\.int8\.onnx: (not a readable ONNX model|the ONNX file holds no graph)/,
    );
    assert.deepEqual(filesUnder(modelsDir), ['segmentation/pyannote-segmentation-3.0.int8.onnx']);
  });

  test('a folder that does not exist is a clear error', async () => {
    await assert.rejects(
      installFromDirectory(path.join(work, 'nowhere'), { modelsDir, catalogue }),
      /--from .*nowhere: no such folder/,
    );
  });
});
