import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { readWavFile } from '../../libs/audio';
import { createYielder } from '../../libs/diarization/common';
import { ModelVerifier, type SampleSpan } from '../../libs/diarization/linking/model-verifier';
import { SegmentationModel } from '../../libs/diarization/segmentation';
import { parseRttm } from '../../libs/formats';
import { fixtures, installedSegmentationModel, skipUnlessPresent } from '../support/shared-files';

const segmentationModel = installedSegmentationModel();
const clip = fixtures.audio('conv-ko-2spk');

describe(
  'the segmentation model as a speaker verifier',
  { skip: skipUnlessPresent(segmentationModel, `${clip}.wav`, `${clip}.rttm`) },
  () => {
    let model: SegmentationModel;
    before(async () => {
      model = await SegmentationModel.load(segmentationModel, { threads: 1 });
    });
    after(async () => {
      await model?.release();
    });

    test('finds one speaker more like herself later on than like the other speaker', async () => {
      const { samples, sampleRate } = readWavFile(`${clip}.wav`);
      const turns = parseRttm(readFileSync(`${clip}.rttm`, 'utf8'));
      const speakers = [...new Set(turns.map((turn) => turn.speaker))].sort();
      const spans = (speaker: string): SampleSpan[] =>
        turns
          .filter((turn) => turn.speaker === speaker)
          .map((turn) => ({
            start: Math.round(turn.start * sampleRate),
            end: Math.round(turn.end * sampleRate),
          }));
      const first = spans(speakers[0]);
      const half = Math.ceil(first.length / 2);
      const groups = [first.slice(0, half), first.slice(half), spans(speakers[1])];
      const verifier = new ModelVerifier(model, samples);
      const similarity = await verifier.similarities(groups, createYielder());
      const again = await verifier.similarities(groups, createYielder());
      assert.deepEqual(again, similarity, 'deterministic');
      for (let i = 0; i < 3; i++) {
        assert.equal(similarity[i * 3 + i], 1);
        for (let j = 0; j < 3; j++) assert.equal(similarity[i * 3 + j], similarity[j * 3 + i]);
      }
      const figures = `same speaker ${similarity[1].toFixed(2)}, other speaker ${similarity[2].toFixed(2)} / ${similarity[5].toFixed(2)}`;
      assert.ok(similarity[1] > similarity[2] && similarity[1] > similarity[5], figures);
    });
  },
);
