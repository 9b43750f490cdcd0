import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readWavFile } from '../../libs/audio';
import {
  AbortError,
  type Diarization,
  Diarizer,
  DiarizerClosedError,
  InvalidArgumentError,
  ModelLoadError,
  computeDer,
} from '../../libs/diarization';
import {
  clearFrames,
  estimateSpeakerCount,
  findSilentFrames,
} from '../../libs/diarization/reconstruction/aggregation';
import { reidentifySpeakers } from '../../libs/diarization/linking/reidentify';
import { SegmentationModel } from '../../libs/diarization/segmentation/segmentation';
import { stitchLocalSpeakers } from '../../libs/diarization/linking/stitching';
import { framesToTurns } from '../../libs/diarization/reconstruction/turns';
import { parseRttm } from '../../libs/formats/rttm';
import {
  fixtures,
  models,
  repoRoot,
  skipUnlessPresent,
  installedSegmentationModel,
} from '../support/shared-files';

/** The DER targets (collar 0, overlap scored), with the reference count given and automatic. */
const TARGETS = [
  { file: fixtures.audio('conv-ko-2spk'), speakers: 2, given: 0.05, automatic: 0.05 },
  { file: fixtures.audio('conv-en-2spk'), speakers: 2, given: 0.12, automatic: 0.15 },
  { file: fixtures.audio('conv-en-3spk-overlap'), speakers: 3, given: 0.2, automatic: 0.2 },
  { file: fixtures.real('pyannote-sample'), speakers: 2, given: 0.15, automatic: 0.18 },
  { file: fixtures.real('ami-dev00'), speakers: 2, given: 0.3, automatic: 0.35 },
];

const needsModel = skipUnlessPresent(models.segmentation);

function assertWellFormed(result: Diarization, duration: number): void {
  for (const turns of [result.turns, result.exclusiveTurns]) {
    for (const turn of turns) {
      assert.ok(Number.isFinite(turn.start) && Number.isFinite(turn.end), 'finite times');
      assert.ok(
        turn.start >= 0 && turn.end <= duration + 1e-9 && turn.end > turn.start,
        JSON.stringify(turn),
      );
      assert.ok(Number.isInteger(turn.speaker) && turn.speaker >= 0 && turn.speaker < result.speakerCount);
    }
  }
  // Exclusive turns never overlap.
  for (let i = 1; i < result.exclusiveTurns.length; i++) {
    assert.ok(result.exclusiveTurns[i].start >= result.exclusiveTurns[i - 1].end - 1e-9);
  }
  // Speakers are numbered in order of first appearance.
  const firsts: number[] = [];
  for (const turn of result.turns) if (!firsts.includes(turn.speaker)) firsts.push(turn.speaker);
  assert.deepEqual(
    firsts,
    [...firsts].sort((a, b) => a - b),
  );
}

/** The DER targets hold for the graph users get (the installed float-SincNet graph once setup derived it). */
const userModel = installedSegmentationModel();

describe('Diarizer with the real segmentation model, no embedding model', { skip: needsModel }, () => {
  let diarizer: Diarizer;
  before(async () => {
    diarizer = await Diarizer.create({ segmentationModelPath: userModel, threads: 2 });
  });
  after(async () => {
    await diarizer?.close();
  });

  for (const target of TARGETS) {
    const name = path.basename(target.file);
    test(
      `${name}: DER within the targets (given ${target.given * 100} %, automatic ${target.automatic * 100} %)`,
      { skip: skipUnlessPresent(`${target.file}.wav`, `${target.file}.rttm`) },
      async () => {
        const { samples } = readWavFile(`${target.file}.wav`);
        const reference = parseRttm(readFileSync(`${target.file}.rttm`, 'utf8'));
        const given = await diarizer.diarize(samples, { numSpeakers: target.speakers });
        const automatic = await diarizer.diarize(samples);
        assertWellFormed(given, samples.length / 16000);
        assertWellFormed(automatic, samples.length / 16000);
        const derGiven = computeDer(reference, given.turns).der;
        const derAutomatic = computeDer(reference, automatic.turns).der;
        assert.ok(derGiven <= target.given, `given count: DER ${(derGiven * 100).toFixed(1)} %`);
        assert.ok(
          derAutomatic <= target.automatic,
          `automatic count: DER ${(derAutomatic * 100).toFixed(1)} %`,
        );
        assert.equal(given.speakerCount, target.speakers);
      },
    );
  }

  test('edge cases: shorter than a window, 50 ms, pure silence, empty, non-finite samples', async () => {
    const speech = readWavFile(fixtures.audio('conv-ko-2spk.wav')).samples;
    const short = speech.slice(0, 3 * 16000);
    const shortResult = await diarizer.diarize(short);
    assertWellFormed(shortResult, 3);
    assert.ok(shortResult.turns.length > 0, 'speech shorter than a window is found');

    const tiny = await diarizer.diarize(speech.slice(16000, 16800));
    assertWellFormed(tiny, 0.05);

    const silence = await diarizer.diarize(new Float32Array(20 * 16000));
    assert.deepEqual(silence, { turns: [], exclusiveTurns: [], speakerCount: 0 });

    assert.deepEqual(await diarizer.diarize(new Float32Array(0)), {
      turns: [],
      exclusiveTurns: [],
      speakerCount: 0,
    });

    const broken = short.slice();
    for (let i = 0; i < broken.length; i += 997) broken[i] = i % 2 ? NaN : Infinity;
    assertWellFormed(await diarizer.diarize(broken, { numSpeakers: 2 }), 3);
  });

  test('progress rises to 100; abort before or during the run rejects with AbortError', async () => {
    const { samples } = readWavFile(fixtures.real('pyannote-sample.wav'));
    const progress: number[] = [];
    await diarizer.diarize(samples, { onProgress: (p) => progress.push(p) });
    assert.equal(progress[0], 0);
    assert.equal(progress.at(-1), 100);
    assert.ok(
      progress.every((p, i) => i === 0 || p >= progress[i - 1]),
      'never decreases',
    );

    const early = new AbortController();
    early.abort();
    await assert.rejects(diarizer.diarize(samples, { signal: early.signal }), (error: Error) => {
      assert.ok(error instanceof AbortError);
      return error.name === 'AbortError';
    });

    const midway = new AbortController();
    let seen = 0;
    await assert.rejects(
      diarizer.diarize(samples, {
        signal: midway.signal,
        onProgress: (p) => {
          seen = p;
          if (p > 20) midway.abort();
        },
      }),
      { name: 'AbortError' },
    );
    assert.ok(seen > 20 && seen < 90, `stopped during segmentation (last progress ${seen})`);
    // The diarizer is still usable after an abort.
    assert.ok((await diarizer.diarize(samples.slice(0, 16000 * 12))).turns.length > 0);
  });

  test('argument errors are typed', async () => {
    const samples = new Float32Array(16000);
    await assert.rejects(diarizer.diarize(samples, { minSpeakers: 3, maxSpeakers: 2 }), InvalidArgumentError);
    await assert.rejects(diarizer.diarize(samples, { numSpeakers: 4, maxSpeakers: 3 }), InvalidArgumentError);
    await assert.rejects(
      Diarizer.create({ segmentationModelPath: models.segmentation, stepRatio: 0 }),
      InvalidArgumentError,
    );
    await assert.rejects(
      Diarizer.create({ segmentationModelPath: path.join(repoRoot, 'package.json') }),
      ModelLoadError,
    );
    await assert.rejects(
      Diarizer.create({ segmentationModelPath: '/nonexistent/model.onnx' }),
      ModelLoadError,
    );
    const closed = await Diarizer.create({ segmentationModelPath: models.segmentation, threads: 1 });
    await closed.close();
    await closed.close();
    await assert.rejects(closed.diarize(samples), DiarizerClosedError);
  });
});

describe('segmentation model and embedding-free linking internals', { skip: needsModel }, () => {
  test("the model's geometry comes from its metadata", async () => {
    const model = await SegmentationModel.load(models.segmentation, { threads: 1 });
    try {
      assert.deepEqual(model.info, {
        sampleRate: 16000,
        windowSamples: 160000,
        receptiveFieldSize: 991,
        receptiveFieldShift: 270,
        numLocalSpeakers: 3,
        maxSpeakersPerFrame: 2,
        numClasses: 7,
      });
      const seg = await model.segment(new Float32Array(176001), { stepSamples: 16000, batchSize: 2 });
      assert.equal(seg.numChunks, 3);
      assert.equal(seg.framesPerChunk, 589);
      assert.equal(seg.numFrames, Math.ceil((176001 - 495.5) / 270));
    } finally {
      await model.release();
    }
  });

  test(
    'every counted speaker of a frame gets a label, overlapped and overlap-only tracks included',
    { skip: skipUnlessPresent(fixtures.real('ami/ami-trn06.wav')) },
    async () => {
      // A real meeting clip with overlap, where tracks heard only in overlap (no single-speaker
      // piece of their own) used to lose their frames.
      const model = await SegmentationModel.load(models.segmentation, { threads: 2 });
      try {
        const { samples } = readWavFile(fixtures.real('ami/ami-trn06.wav'));
        const seg = await model.segment(samples, { stepSamples: 16000, batchSize: 1 });
        clearFrames(seg, await findSilentFrames(samples, seg, 16000));
        const count = estimateSpeakerCount(seg);
        const tracks = stitchLocalSpeakers(seg);
        const bounds = { min: 3, max: 3, exact: 3 };
        const frames = await reidentifySpeakers(samples, 16000, seg, count, tracks, bounds);
        const speakers = new Set(frames.labels.filter((label) => label >= 0)).size;
        let counted = 0;
        let labelled = 0;
        for (let g = 0; g < frames.numFrames; g++) {
          counted += Math.min(count[g], speakers);
          for (let i = 0; i < frames.slots; i++) labelled += frames.labels[g * frames.slots + i] >= 0 ? 1 : 0;
        }
        assert.ok(counted > 0);
        assert.ok(labelled >= 0.99 * counted, `${labelled} labels for ${counted} counted speaker-frames`);
      } finally {
        await model.release();
      }
    },
  );

  test(
    'bounded granularity: re-identification in small blocks still separates five voices',
    {
      skip: skipUnlessPresent(fixtures.audio('conv-en-2spk.wav'), fixtures.audio('conv-en-3spk-overlap.wav')),
    },
    async () => {
      const model = await SegmentationModel.load(models.segmentation, { threads: 2 });
      try {
        const parts = ['conv-en-2spk', 'conv-en-3spk-overlap'].map((name) => ({
          samples: readWavFile(fixtures.audio(`${name}.wav`)).samples,
          reference: JSON.parse(readFileSync(fixtures.audio(`${name}.json`), 'utf8')).turns as {
            voice: string;
            start: number;
            end: number;
          }[],
        }));
        const samples = new Float32Array(parts[0].samples.length + parts[1].samples.length);
        samples.set(parts[0].samples);
        samples.set(parts[1].samples, parts[0].samples.length);
        const offset = parts[0].samples.length / 16000;
        const reference = parts.flatMap((part, i) =>
          part.reference.map((t) => ({
            speaker: t.voice,
            start: t.start + i * offset,
            end: t.end + i * offset,
          })),
        );
        const seg = await model.segment(samples, { stepSamples: 16000, batchSize: 8 });
        const silent = await findSilentFrames(samples, seg, 16000);
        clearFrames(seg, silent);
        const count = estimateSpeakerCount(seg);
        const tracks = stitchLocalSpeakers(seg);
        const frames = await reidentifySpeakers(
          samples,
          16000,
          seg,
          count,
          tracks,
          { min: 5, max: 5, exact: 5 },
          { blockSize: 16 },
        );
        const turns = framesToTurns(frames, seg.frames, samples.length / 16000, {
          silentFrames: silent,
          maxBridgeSeconds: 0.5,
        });
        assert.equal(new Set(turns.map((t) => t.speaker)).size, 5);
        const der = computeDer(reference, turns).der;
        assert.ok(der < 0.3, `DER ${(der * 100).toFixed(1)} % with blocks of 16`);
      } finally {
        await model.release();
      }
    },
  );
});

describe(
  'CLI: diarize and eval der',
  { skip: skipUnlessPresent(models.segmentation, fixtures.real('pyannote-sample.wav')) },
  () => {
    test('diarize prints RTTM named after the input, eval der scores it', () => {
      const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
      const run = (...args: string[]): string => {
        const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
        assert.equal(result.status, 0, result.stderr);
        return result.stdout;
      };
      const rttm = run(
        'diarize',
        fixtures.real('pyannote-sample.wav'),
        '--segmentation-model',
        models.segmentation,
        '--speakers',
        '2',
        '--format',
        'rttm',
      );
      const lines = rttm.trim().split('\n');
      assert.ok(lines.length > 3);
      for (const line of lines) {
        const fields = line.split(' ');
        assert.equal(fields.length, 10);
        assert.equal(fields[0], 'SPEAKER');
        assert.equal(fields[1], 'pyannote-sample');
      }
      const hypothesis = path.join(tmpdir(), `diarize-cli-${process.pid}.rttm`);
      writeFileSync(hypothesis, rttm);
      const scored = run('eval', 'der', fixtures.real('pyannote-sample.rttm'), hypothesis, '--json');
      const figures = JSON.parse(scored) as {
        der: number;
        miss: number;
        falseAlarm: number;
        confusion: number;
      };
      assert.ok(figures.der < 0.15, `DER ${figures.der}`);
      assert.ok(Math.abs(figures.der - figures.miss - figures.falseAlarm - figures.confusion) < 1e-9);
      rmSync(hypothesis);
      const json = JSON.parse(
        run(
          'diarize',
          fixtures.real('pyannote-sample.wav'),
          '--segmentation-model',
          models.segmentation,
          '--format',
          'json',
        ),
      ) as { file: string; speaker_count: number; turns: unknown[] };
      assert.equal(json.file, 'pyannote-sample');
      assert.equal(json.speaker_count, 2);
      const bad = spawnSync(
        process.execPath,
        [
          cli,
          'diarize',
          fixtures.real('pyannote-sample.wav'),
          '--segmentation-model',
          models.segmentation,
          '--min-speakers',
          '3',
          '--max-speakers',
          '2',
        ],
        { encoding: 'utf8' },
      );
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /minSpeakers/);
    });
  },
);
