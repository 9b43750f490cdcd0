import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { readWavFile } from '../../libs/audio';
import { SegmentationModel } from '../../libs/diarization/segmentation';
import {
  addDerivedModels,
  deriveFloatSincnetGraph,
  FLOAT_SINCNET_DERIVATION,
  FLOAT_SINCNET_SEGMENTATION_FILE,
  INT8_SEGMENTATION_FILE,
  ModelDerivationError,
  recordedDerivation,
  sincnetTimeAxis,
  type InstallReport,
} from '../../libs/models';
import {
  parityClips,
  readPyannoteSegmentations,
  segmentationAgreement,
} from '../../bench/segmentation-agreement';
import { fixtures, models, sharedDir, skipUnlessPresent } from '../support/shared-files';
import { sha256 } from '../support/files';

const QUANTIZED_OPS = new Set([
  'MatMulInteger',
  'ConvInteger',
  'DynamicQuantizeLinear',
  'DynamicQuantizeLSTM',
]);

function decode(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** Quantized nodes by op type, split into the SincNet filterbank (`/sincnet/conv1d.0/`) and the rest. */
function quantizedNodes(model: onnx.ModelProto): { filterbank: string[]; rest: string[] } {
  const nodes = (model.graph?.node ?? []).filter((node) => QUANTIZED_OPS.has(node.opType ?? ''));
  const inFilterbank = (node: onnx.INodeProto): boolean => (node.name ?? '').startsWith('/sincnet/conv1d.0/');
  return {
    filterbank: nodes.filter(inFilterbank).map((node) => node.opType ?? ''),
    rest: nodes.filter((node) => !inFilterbank(node)).map((node) => `${node.opType} ${node.name}`),
  };
}

async function runWindow(session: ort.InferenceSession, window: Float32Array): Promise<Float32Array> {
  const output = await session.run({ x: new ort.Tensor('float32', window, [1, 1, window.length]) });
  return output.y.data as Float32Array;
}

function argmaxAgreement(a: Float32Array, b: Float32Array, classes: number): number {
  let equal = 0;
  const frames = a.length / classes;
  const argmax = (scores: Float32Array, frame: number): number => {
    let best = 0;
    for (let k = 1; k < classes; k++)
      if (scores[frame * classes + k] > scores[frame * classes + best]) best = k;
    return best;
  };
  for (let f = 0; f < frames; f++) if (argmax(a, f) === argmax(b, f)) equal++;
  return equal / frames;
}

describe(
  'the float-SincNet segmentation graph derived from the int8 export',
  { skip: skipUnlessPresent(models.segmentation) },
  () => {
    let source: Buffer;
    let derived: Uint8Array;
    let work: string;

    before(() => {
      source = readFileSync(models.segmentation);
      derived = deriveFloatSincnetGraph(source, { sourceSha256: sha256(source), label: models.segmentation });
      work = mkdtempSync(path.join(tmpdir(), 'derive-segmentation-'));
    });
    after(() => rmSync(work, { recursive: true, force: true }));

    test("loads in onnxruntime with the int8 graph's inputs, outputs and metadata, and records its source", async () => {
      const [int8Session, derivedSession] = await Promise.all([
        ort.InferenceSession.create(source),
        ort.InferenceSession.create(derived),
      ]);
      try {
        assert.deepEqual(derivedSession.inputMetadata, int8Session.inputMetadata);
        assert.deepEqual(derivedSession.outputMetadata, int8Session.outputMetadata);
      } finally {
        await Promise.all([int8Session.release(), derivedSession.release()]);
      }
      const metadata = (model: onnx.ModelProto) =>
        new Map((model.metadataProps ?? []).map((prop) => [prop.key ?? '', prop.value ?? '']));
      const before = metadata(decode(source));
      const after = metadata(decode(derived));
      for (const [key, value] of before) assert.equal(after.get(key), value, key);
      assert.deepEqual(recordedDerivation(derived), {
        derivation: FLOAT_SINCNET_DERIVATION,
        sourceSha256: sha256(source),
      });
    });

    test('its filterbank has no quantized node left and the exact time axis; every other layer stays int8', () => {
      const int8 = quantizedNodes(decode(source));
      const model = decode(derived);
      const after = quantizedNodes(model);
      assert.ok(
        int8.filterbank.includes('MatMulInteger'),
        'the int8 export quantizes the filterbank product',
      );
      assert.deepEqual(after.filterbank, []);
      assert.deepEqual(after.rest, int8.rest);
      const initializers = model.graph?.initializer ?? [];
      assert.ok(!initializers.some((tensor) => /n__(quantized|scale|zero_point)$/.test(tensor.name ?? '')));
      const axis = initializers.find((tensor) => tensor.name === 'sincnet.conv1d.0.filterbank.n_');
      assert.ok(axis?.rawData, 'a float time axis replaces the quantized one');
      const values = new Float32Array(Uint8Array.from(axis.rawData).buffer);
      // pyannote's n_ = 2*pi*k/16000, k = -125..-1, in float32: the quantized copy was off by up to 1e-4.
      assert.deepEqual(values, Float32Array.from(sincnetTimeAxis(125, 16000)));
      const products = (model.graph?.node ?? []).filter((node) => node.input?.includes(axis.name ?? ''));
      assert.deepEqual(
        products.map((node) => node.opType),
        ['MatMul', 'MatMul'],
      );
    });

    test(
      "on a real 10 s window its output is close to the int8 graph's, but not the same",
      { skip: skipUnlessPresent(fixtures.real('pyannote-sample.wav')) },
      async () => {
        const window = readWavFile(fixtures.real('pyannote-sample.wav')).samples.slice(0, 160000);
        const [int8Session, derivedSession] = await Promise.all([
          ort.InferenceSession.create(source),
          ort.InferenceSession.create(derived),
        ]);
        try {
          const int8 = await runWindow(int8Session, window);
          const float = await runWindow(derivedSession, window);
          const agreement = argmaxAgreement(int8, float, 7);
          assert.ok(agreement > 0.8, `powerset classes agree on ${agreement} of the frames`);
          assert.ok(
            agreement < 1 || int8.some((value, i) => Math.abs(value - float[i]) > 1e-3),
            'the filterbank changed the output',
          );
        } finally {
          await Promise.all([int8Session.release(), derivedSession.release()]);
        }
      },
    );

    const [sample] = parityClips(sharedDir);
    test(
      "agrees with pyannote's fp32 segmentation of 02_pyannote_sample on at least 99 % of cells, where the int8 graph does not",
      { skip: skipUnlessPresent(sample.audio, sample.intermediates) },
      async () => {
        const derivedFile = path.join(work, FLOAT_SINCNET_SEGMENTATION_FILE);
        writeFileSync(derivedFile, derived);
        const reference = readPyannoteSegmentations(sample.intermediates);
        const audio = readWavFile(sample.audio).samples;
        const agreement = async (file: string): Promise<number> => {
          const model = await SegmentationModel.load(file, { threads: 1 });
          try {
            const ours = await model.segment(audio, {
              stepSamples: reference.chunkStep * 16000,
              batchSize: 4,
            });
            return segmentationAgreement(ours, reference).cellAgreement;
          } finally {
            await model.release();
          }
        };
        const int8 = await agreement(models.segmentation);
        const float = await agreement(derivedFile);
        assert.ok(float >= 0.99, `float SincNet: ${float}`);
        assert.ok(
          int8 < 0.99,
          `int8: ${int8} (if the int8 graph got this good, the derivation lost its purpose)`,
        );
      },
    );

    test('deriving is deterministic, and a derived graph is not derived again', () => {
      const again = deriveFloatSincnetGraph(source, { sourceSha256: sha256(source), label: 'again' });
      assert.deepEqual(again, derived);
      assert.throws(
        () => deriveFloatSincnetGraph(derived, { sourceSha256: sha256(derived), label: 'derived.onnx' }),
        (error: unknown) =>
          error instanceof ModelDerivationError &&
          /derived\.onnx: expected one quantized SincNet time axis .* found 0/.test(error.message),
      );
    });

    test('the installer derives it once, keeps it while the source is unchanged and derives it again when not', async () => {
      const folder = path.join(work, 'install', 'segmentation');
      mkdirSync(folder, { recursive: true });
      const int8Path = path.join(folder, INT8_SEGMENTATION_FILE);
      writeFileSync(int8Path, source);
      const installed = {
        label: 'pyannote-segmentation-3.0',
        kind: 'segmentation',
        path: int8Path,
        action: 'installed' as const,
        verification: 'checksum' as const,
        sha256: sha256(source),
      };
      const install = async (model: typeof installed): Promise<InstallReport> => {
        const report: InstallReport = { installed: [], failed: [] };
        await addDerivedModels(model, report, {});
        return report;
      };
      const first = await install(installed);
      assert.deepEqual(first.failed, []);
      const target = path.join(folder, FLOAT_SINCNET_SEGMENTATION_FILE);
      assert.deepEqual(
        first.installed.map((model) => [model.path, model.action, model.verification, model.derivedFrom]),
        [[target, 'installed', 'derived', int8Path]],
      );
      assert.deepEqual(readFileSync(target), Buffer.from(derived));
      const written = statSync(target).mtimeMs;

      const second = await install(installed);
      assert.deepEqual(
        second.installed.map((model) => model.action),
        ['present'],
      );
      assert.equal(statSync(target).mtimeMs, written, 'an up-to-date derived graph is not rewritten');

      // Another source (here: recorded under another hash) makes the derived graph stale.
      const changed = await install({ ...installed, sha256: '0'.repeat(64) });
      assert.deepEqual(
        changed.installed.map((model) => model.action),
        ['installed'],
      );
      assert.equal(recordedDerivation(readFileSync(target))?.sourceSha256, '0'.repeat(64));
    });

    test('a graph without the expected SincNet filterbank is refused with a clear error, and nothing is written', async () => {
      const refuse = (bytes: Uint8Array, pattern: RegExp): void =>
        assert.throws(
          () => deriveFloatSincnetGraph(bytes, { sourceSha256: sha256(bytes), label: 'model.onnx' }),
          (error: unknown) => error instanceof ModelDerivationError && pattern.test(error.message),
        );
      refuse(
        Buffer.from('not an onnx file at all'),
        /model\.onnx: (not a readable ONNX model|the ONNX file holds no graph)/,
      );

      const shifted = decode(source);
      const axis = shifted.graph?.initializer?.find((tensor) => /n__quantized$/.test(tensor.name ?? ''));
      assert.ok(axis?.rawData);
      axis.rawData = axis.rawData.map((value) => Math.max(0, value - 8));
      refuse(onnx.ModelProto.encode(shifted).finish(), /is not SincNet's time axis 2\*pi\*k\/16000/);

      const unquantized = decode(source);
      assert.ok(unquantized.graph?.node);
      unquantized.graph.node = unquantized.graph.node.filter(
        (node) => node.opType !== 'MatMulInteger' || !(node.name ?? '').startsWith('/sincnet/'),
      );
      refuse(onnx.ModelProto.encode(unquantized).finish(), /no MatMulInteger reads the SincNet time axis/);

      // Through the installer: the int8 file stays, the failure is reported, no derived file appears.
      const folder = path.join(work, 'broken', 'segmentation');
      mkdirSync(folder, { recursive: true });
      const broken = onnx.ModelProto.encode(shifted).finish();
      writeFileSync(path.join(folder, INT8_SEGMENTATION_FILE), broken);
      const report: InstallReport = { installed: [], failed: [] };
      await addDerivedModels(
        {
          label: 'pyannote-segmentation-3.0',
          kind: 'segmentation',
          path: path.join(folder, INT8_SEGMENTATION_FILE),
          action: 'installed',
          verification: 'unverified',
          sha256: sha256(broken),
        },
        report,
        {},
      );
      assert.deepEqual(report.installed, []);
      assert.deepEqual(
        report.failed.map((failure) => failure.label),
        ['pyannote-segmentation-3.0 float-SincNet'],
      );
      assert.deepEqual(readFileSync(path.join(folder, INT8_SEGMENTATION_FILE)), Buffer.from(broken));
      assert.throws(() => statSync(path.join(folder, FLOAT_SINCNET_SEGMENTATION_FILE)), { code: 'ENOENT' });
    });
  },
);
