import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readWavFile } from '../../libs/audio';
import { Diarizer } from '../../libs/diarization';
import { transcribeWhoSaidWhat, type AudioDecoder, type Transcript } from '../../libs/pipeline';
import type { Transcription } from '../../libs/speech';
import { renderTranscriptOutput } from '../../src/cli/support/transcript-output';
import { numberTranscript, type NumberedTranscript } from '../../src/cli/support/who-said-what';
import { readSrt, readVtt } from '../formats/subtitle-parsers';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { assertCuesMatchEntries, readRttmStrictly } from './read-output';
import { readReferenceTurns, referenceTranscription, type ReferenceWord } from './reference-transcript';

/** Share of reference words whose speaker matches, under the best one-to-one naming of speakers. */
function wordAccuracy(reference: readonly ReferenceWord[], speakers: readonly number[]): number {
  const pairs = new Map<string, number>();
  reference.forEach((word, i) => {
    const key = `${word.speaker}:${speakers[i]}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  });
  // Greedy on the largest agreements: enough for two or three speakers.
  const used = new Set<string>();
  let agreed = 0;
  for (const [key, count] of [...pairs].sort((a, b) => b[1] - a[1])) {
    const [ref, hyp] = key.split(':');
    if (used.has(`r${ref}`) || used.has(`h${hyp}`)) continue;
    used.add(`r${ref}`).add(`h${hyp}`);
    agreed += count;
  }
  return agreed / reference.length;
}

function assertNumberedByFirstAppearance(speakers: readonly number[]): void {
  let next = 0;
  for (const speaker of speakers) {
    assert.ok(speaker <= next, `speaker ${speaker} appears before speaker ${next}`);
    if (speaker === next) next++;
  }
}

/** The pipeline as the CLI runs it, with the reference words standing in for Whisper's. */
function whoSaidWhat(
  samples: Float32Array,
  transcription: Transcription,
  diarizer: Diarizer | null,
): Promise<Transcript> {
  const decoder: AudioDecoder = {
    decode: () => Promise.reject(new Error('the samples are given: nothing to decode')),
  };
  return transcribeWhoSaidWhat(
    { samples },
    { decoder, speech: { transcribe: () => Promise.resolve(transcription) }, diarization: diarizer },
    { language: 'en' },
  );
}

describe('transcribe CLI: words + real diarization -> entries -> every format', () => {
  const audio = fixtures.audio('conv-en-2spk.wav');
  const reference = fixtures.audio('conv-en-2spk.json');
  const skip = skipUnlessPresent(models.segmentation, audio, reference);
  let diarizer: Diarizer;
  let samples: Float32Array;
  let transcript: Transcript;
  let words: ReferenceWord[];
  let combined: NumberedTranscript;

  before(async () => {
    if (skip) return;
    diarizer = await Diarizer.create({ segmentationModelPath: models.segmentation, threads: 1 });
    samples = readWavFile(audio).samples;
    const synthetic = referenceTranscription(readReferenceTurns(reference));
    words = synthetic.words;
    transcript = await whoSaidWhat(samples, synthetic.transcription, diarizer);
    combined = numberTranscript(transcript);
  });
  after(() => diarizer?.close());

  test('words go to the speakers who said them, numbered by first appearance', { skip }, () => {
    const { entries } = combined;
    assert.ok(entries.length >= readReferenceTurns(reference).length, 'at least one entry per turn');
    const wordSpeakers = entries.flatMap((entry) => entry.words.map((word) => word.speaker));
    assert.equal(wordSpeakers.length, words.length, 'no word lost or added');
    assertNumberedByFirstAppearance(entries.map((entry) => entry.speaker));
    assert.equal(new Set(wordSpeakers).size, 2);
    const accuracy = wordAccuracy(words, wordSpeakers);
    assert.ok(accuracy >= 0.85, `word speaker accuracy ${accuracy.toFixed(3)}`);
    for (const [i, entry] of entries.entries()) {
      if (i > 0) assert.ok(entry.start >= entries[i - 1].start, 'entries in time order');
      assert.equal(entry.text, entry.words.map((word) => word.word).join(' '));
      for (const word of entry.words) {
        assert.equal(word.speaker, entry.speaker);
        assert.ok(word.start >= entry.start - 0.001 && word.end <= entry.end + 0.001);
      }
    }
  });

  test('RTTM turns use the same speaker numbers as the entries', { skip }, () => {
    const rttm = renderTranscriptOutput('rttm', { ...output(), turns: combined.turns });
    const lines = readRttmStrictly(rttm, 'conv-en-2spk');
    assert.equal(lines.length, transcript.turns?.length);
    assertNumberedByFirstAppearance([...lines].sort((a, b) => a.start - b.start).map((l) => l.speaker));
    // Each word's middle lies in a turn of its own speaker, for nearly every word.
    const all = combined.entries.flatMap((entry) => entry.words);
    const inOwnTurn = all.filter((word) => {
      const middle = (word.start + word.end) / 2;
      return lines.some((l) => l.speaker === word.speaker && l.start <= middle && middle <= l.end);
    });
    assert.ok(inOwnTurn.length >= 0.9 * all.length, `${inOwnTurn.length} of ${all.length} words`);
  });

  test('SRT and WebVTT parse back to cues of one speaker each, holding all the text', { skip }, () => {
    const srtCues = readSrt(renderTranscriptOutput('srt', output()));
    const vttCues = readVtt(renderTranscriptOutput('vtt', output()));
    assertCuesMatchEntries(srtCues, combined.entries);
    assertCuesMatchEntries(vttCues, combined.entries);
    // Cues are cut differently (SRT's label takes line width, VTT's voice tag does not) but cover the same time.
    assert.equal(srtCues[0]?.startMs, vttCues[0]?.startMs);
    assert.equal(srtCues.at(-1)?.endMs, vttCues.at(-1)?.endMs);
  });

  test('text is one labelled line per entry', { skip }, () => {
    const lines = renderTranscriptOutput('txt', output()).trimEnd().split('\n');
    assert.deepEqual(
      lines,
      combined.entries.map((entry) => `[SPEAKER ${entry.speaker}] ${entry.text}`),
    );
  });

  test('JSON is the contract shape; --word-timestamps adds trimmed words', { skip }, () => {
    const plain = JSON.parse(renderTranscriptOutput('json', output())) as Array<Record<string, unknown>>;
    assert.equal(plain.length, combined.entries.length);
    for (const entry of plain) assert.deepEqual(Object.keys(entry), ['speaker', 'start', 'end', 'text']);
    const detailed = JSON.parse(
      renderTranscriptOutput('json', { ...output(), wordTimestamps: true }),
    ) as Array<{
      speaker: number;
      words: Array<Record<string, unknown>>;
    }>;
    for (const entry of detailed) {
      for (const word of entry.words) {
        assert.deepEqual(Object.keys(word).sort(), ['end', 'probability', 'speaker', 'start', 'word']);
        assert.equal(word.speaker, entry.speaker);
        assert.equal(word.word, (word.word as string).trim());
        assert.ok((word.word as string).length > 0);
      }
    }
  });

  test('without diarization every word is speaker 0', { skip }, async () => {
    const synthetic = referenceTranscription(readReferenceTurns(reference));
    const { entries } = numberTranscript(await whoSaidWhat(samples, synthetic.transcription, null));
    assert.equal(entries.length, synthetic.transcription.segments.length, "Whisper's segments as entries");
    assert.deepEqual(
      new Set(entries.flatMap((e) => [e.speaker, ...e.words.map((w) => w.speaker)])),
      new Set([0]),
    );
    const lines = readRttmStrictly(
      renderTranscriptOutput('rttm', { ...output(), entries, turns: null }),
      'conv-en-2spk',
    );
    assert.equal(lines.length, entries.length);
  });

  function output(): Parameters<typeof renderTranscriptOutput>[1] {
    return { entries: combined.entries, turns: null, fileId: 'conv-en-2spk', wordTimestamps: false };
  }
});
