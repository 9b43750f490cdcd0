import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderTranscript } from '../../libs/formats';
import {
  CUSTOM_SPELLING_LIMITS,
  customSpellingProblem,
  respeller,
  respellTranscript,
  toResultEntries,
  type Transcript,
} from '../../libs/pipeline';

describe('custom spelling', () => {
  const respell = respeller({
    Kubernetes: ['kubernetes', 'kubernetis'],
    SQL: ['sequel'],
    'e-mail': ['email'],
    서울: ['서을'],
  });

  test('whole words, in any case, are written exactly as spelled; punctuation and spaces stay', () => {
    assert.equal(
      respell(' KUBERNETES runs, Sequel? and kubernetis.'),
      ' Kubernetes runs, SQL? and Kubernetes.',
    );
    assert.equal(respell('Email me'), 'e-mail me');
    assert.equal(respell('서을 에서'), '서울 에서');
  });

  test('never inside a longer word', () => {
    assert.equal(respell('sequels kubernetesy emails subsequel'), 'sequels kubernetesy emails subsequel');
  });

  test('every text of a transcript, hence every format, carries the spelling', () => {
    const word = (text: string, start: number) => ({ word: text, start, end: start + 0.5, probability: 0.9 });
    const words = [word(' I', 0), word(' like', 0.5), word(' sequel.', 1)];
    const transcript: Transcript = {
      language: 'en',
      durationSeconds: 2,
      segments: [{ start: 0, end: 1.5, text: ' I like sequel.', noSpeechProb: 0.1, avgLogprob: -0.2, words }],
      utterances: [
        {
          speaker: 0,
          start: 0,
          end: 1.5,
          text: 'I like sequel.',
          words: words.map((w) => ({ ...w, speaker: 0 })),
        },
      ],
      turns: null,
      speechRegions: [],
      warnings: [],
    };
    const respelled = respellTranscript(transcript, { SQL: ['sequel'] });
    assert.equal(respelled.segments[0].text, ' I like SQL.');
    assert.equal(respelled.segments[0].words[2].word, ' SQL.');
    const { entries } = toResultEntries(respelled.utterances, { words: true });
    assert.equal(entries[0].text, 'I like SQL.');
    assert.deepEqual(
      entries[0].words?.map((w) => w.word),
      ['I', 'like', 'SQL.'],
    );
    for (const format of ['srt', 'vtt', 'txt'] as const) {
      const text = renderTranscript(entries, format, { fileId: 'x' });
      assert.match(text, /SQL\./, format);
      assert.doesNotMatch(text, /sequel/, format);
    }
    assert.equal(transcript.utterances[0].text, 'I like sequel.', 'the original is left as it was');
  });

  test('bounded and well-formed, or a message saying what is wrong', () => {
    assert.equal(customSpellingProblem({ SQL: ['sequel', 'Sequel'] }), null);
    assert.match(customSpellingProblem(['x']) ?? '', /JSON object/);
    assert.match(customSpellingProblem({ SQL: 'sequel' }) ?? '', /non-empty list/);
    assert.match(customSpellingProblem({ SQL: [] }) ?? '', /non-empty list/);
    assert.match(customSpellingProblem({ 'New York': ['new york'] }) ?? '', /one word/);
    assert.match(customSpellingProblem({ A: ['x'], B: ['X'] }) ?? '', /two spellings/);
    assert.match(customSpellingProblem({ ' A': ['x'] }) ?? '', /outer spaces/);
    const many = Object.fromEntries(
      Array.from({ length: CUSTOM_SPELLING_LIMITS.maxSpellings + 1 }, (_, i) => [`S${i}`, [`w${i}`]]),
    );
    assert.match(customSpellingProblem(many) ?? '', /at most 100 spellings/);
    const long = { S: ['x'.repeat(CUSTOM_SPELLING_LIMITS.maxChars + 1)] };
    assert.match(customSpellingProblem(long) ?? '', /at most 100 characters/);
    const words = { S: Array.from({ length: CUSTOM_SPELLING_LIMITS.maxWords + 1 }, (_, i) => `w${i}`) };
    assert.match(customSpellingProblem(words) ?? '', /at most 1000 words/);
  });
});
