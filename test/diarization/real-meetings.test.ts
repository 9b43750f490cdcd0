import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { readWavFile } from '../../libs/audio';
import { Diarizer, computeDer } from '../../libs/diarization';
import { parseRttm } from '../../libs/formats';
import { fixtures, installedSegmentationModel, skipUnlessPresent } from '../support/shared-files';

/**
 * The embedding-free default on real meetings, scored as sets (aggregate DER: total error time over
 * total reference speech, collar 0, overlap scored), with the reference count given and automatic.
 * The limits are the levels reached with the float-SincNet graph when this was written (set A 37.1 /
 * 38.1 %, miss 22.1 / 22.8 %; set B 16.8 %, miss 5.3 %) plus a small margin, so that a regression
 * fails; they are not per-file targets. (Automatic on set A was 40.1 % before the verifier could stop
 * the last agglomeration: this limit fails there.)
 */
const AMI_CLIPS = Array.from({ length: 10 }, (_, i) => fixtures.real(`ami/ami-trn0${i}`));
const SETS = [
  { name: 'real/ami (ten 30-s AMI clips)', stems: AMI_CLIPS, given: 0.39, automatic: 0.4, miss: 0.25 },
  {
    name: 'real/ami-dev00 + real/pyannote-sample',
    stems: [fixtures.real('ami-dev00'), fixtures.real('pyannote-sample')],
    given: 0.19,
    automatic: 0.19,
    miss: 0.07,
  },
];
const SAMPLE_RATE = 16000;
/** What a user of this checkout runs (the float-SincNet graph once setup derived it). */
const segmentationModel = installedSegmentationModel();

interface Recording {
  samples: Float32Array;
  reference: { speaker: string; start: number; end: number }[];
  speakers: number;
}

function load(stem: string): Recording {
  const { samples } = readWavFile(`${stem}.wav`);
  const reference = parseRttm(readFileSync(`${stem}.rttm`, 'utf8'));
  return { samples, reference, speakers: new Set(reference.map((turn) => turn.speaker)).size };
}

/** Sums error seconds over the set, so that clips with little speech weigh little. */
class Aggregate {
  private reference = 0;
  private miss = 0;
  private errors = 0;

  add(scored: ReturnType<typeof computeDer>): void {
    this.reference += scored.referenceSeconds;
    this.miss += scored.miss * scored.referenceSeconds;
    this.errors += scored.der * scored.referenceSeconds;
  }

  get der(): number {
    return this.errors / this.reference;
  }

  get missRate(): number {
    return this.miss / this.reference;
  }
}

const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;

describe(
  'embedding-free diarization on real meeting recordings',
  { skip: skipUnlessPresent(segmentationModel) },
  () => {
    let diarizer: Diarizer;
    before(async () => {
      diarizer = await Diarizer.create({ segmentationModelPath: segmentationModel, threads: 2 });
    });
    after(async () => {
      await diarizer?.close();
    });

    for (const set of SETS) {
      test(
        `${set.name}: aggregate DER at most ${percent(set.given)} (count given) / ${percent(set.automatic)} (automatic), miss at most ${percent(set.miss)}`,
        { skip: skipUnlessPresent(...set.stems.flatMap((stem) => [`${stem}.wav`, `${stem}.rttm`])) },
        async () => {
          const given = new Aggregate();
          const automatic = new Aggregate();
          for (const stem of set.stems) {
            const { samples, reference, speakers } = load(stem);
            given.add(
              computeDer(reference, (await diarizer.diarize(samples, { numSpeakers: speakers })).turns),
            );
            automatic.add(computeDer(reference, (await diarizer.diarize(samples)).turns));
          }
          const figures = `given ${percent(given.der)} (miss ${percent(given.missRate)}), automatic ${percent(automatic.der)} (miss ${percent(automatic.missRate)})`;
          assert.ok(given.der <= set.given, figures);
          assert.ok(automatic.der <= set.automatic, figures);
          assert.ok(given.missRate <= set.miss && automatic.missRate <= set.miss, figures);
        },
      );
    }

    test(
      'a real 4-speaker minute repeated for 20 minutes: 4 ± 1 speakers, DER near the single minute',
      { skip: skipUnlessPresent(...[7, 8].flatMap((i) => [`${AMI_CLIPS[i]}.wav`, `${AMI_CLIPS[i]}.rttm`])) },
      async () => {
        // ami-trn07 and ami-trn08 are consecutive excerpts of one meeting: four speakers in one minute.
        const parts = [load(AMI_CLIPS[7]), load(AMI_CLIPS[8])];
        const minute = new Float32Array(parts[0].samples.length + parts[1].samples.length);
        minute.set(parts[0].samples);
        minute.set(parts[1].samples, parts[0].samples.length);
        const minuteSeconds = minute.length / SAMPLE_RATE;
        const minuteReference = parts.flatMap((part, i) =>
          part.reference.map((turn) => ({
            ...turn,
            start: turn.start + (i * parts[0].samples.length) / SAMPLE_RATE,
            end: turn.end + (i * parts[0].samples.length) / SAMPLE_RATE,
          })),
        );
        const repeats = 20;
        const long = new Float32Array(minute.length * repeats);
        for (let i = 0; i < repeats; i++) long.set(minute, i * minute.length);
        const longReference = Array.from({ length: repeats }, (_, i) =>
          minuteReference.map((turn) => ({
            ...turn,
            start: turn.start + i * minuteSeconds,
            end: turn.end + i * minuteSeconds,
          })),
        ).flat();

        const single = computeDer(minuteReference, (await diarizer.diarize(minute)).turns).der;
        const result = await diarizer.diarize(long);
        const der = computeDer(longReference, result.turns).der;
        const figures = `${result.speakerCount} speakers; DER ${percent(der)} (one minute alone: ${percent(single)})`;
        assert.ok(Math.abs(result.speakerCount - 4) <= 1, figures);
        assert.ok(der <= single + 0.1, figures);
      },
    );
  },
);
