import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assignSpeakers, groupUtterances, type TimedWord } from '../../libs/diarization';

const w = (word: string, start: number, end: number): TimedWord => ({ word, start, end, probability: 0.9 });

describe('assignSpeakers', () => {
  test('fast turns inside one Whisper segment go word by word to the right speaker', () => {
    // One Whisper segment "Yes. No way! Really?" spoken by 0, 1, 0 within 2 seconds.
    const turns = [
      { speaker: 0, start: 0.0, end: 0.55 },
      { speaker: 1, start: 0.6, end: 1.3 },
      { speaker: 0, start: 1.35, end: 2.0 },
    ];
    const words = [
      w(' Yes.', 0.05, 0.5),
      w(' No', 0.62, 0.85),
      w(' way!', 0.86, 1.25),
      w(' Really?', 1.4, 1.9),
    ];
    assert.deepEqual(
      assignSpeakers(words, turns).map((x) => x.speaker),
      [0, 1, 1, 0],
    );
  });

  test('a word straddling a change goes to the speaker it overlaps most', () => {
    const turns = [
      { speaker: 0, start: 0, end: 1.0 },
      { speaker: 1, start: 1.0, end: 2.0 },
    ];
    const [first, second] = assignSpeakers([w(' over', 0.7, 1.1), w(' there', 0.95, 1.4)], turns);
    assert.equal(first.speaker, 0);
    assert.equal(second.speaker, 1);
    assert.equal(first.probability, 0.9, 'word fields are kept');
  });

  test('a word in a gap takes the nearest turn within the limit, else the previous speaker', () => {
    const turns = [
      { speaker: 0, start: 0, end: 1 },
      { speaker: 1, start: 1.5, end: 2.5 },
      { speaker: 0, start: 10, end: 11 },
    ];
    const words = [w(' a', 1.3, 1.4), w(' b', 1.05, 1.1), w(' c', 5, 5.2), w(' d', 9.5, 9.6)];
    assert.deepEqual(
      assignSpeakers(words, turns, { maxGapSeconds: 0.5 }).map((x) => x.speaker),
      [1, 0, 0, 0],
    );
    assert.deepEqual(
      assignSpeakers([w(' solo', 5, 5.2)], turns, { maxGapSeconds: 0.5 }).map((x) => x.speaker),
      [1],
      'with no previous word, the nearest turn at any distance',
    );
    assert.deepEqual(
      assignSpeakers([w(' x', 1, 2)], []).map((x) => x.speaker),
      [0],
    );
  });
});

describe('groupUtterances', () => {
  test('runs of one speaker, split at speaker changes, long pauses and sentence ends', () => {
    const words = [
      { ...w(' Hello', 0, 0.4), speaker: 0 },
      { ...w(' there.', 0.45, 0.8), speaker: 0 },
      { ...w(' How', 0.9, 1.1), speaker: 0 },
      { ...w(' are', 1.15, 1.3), speaker: 0 },
      { ...w(' you', 3.0, 3.2), speaker: 0 },
      { ...w(' Fine', 3.3, 3.6), speaker: 1 },
      { ...w(' thanks', 3.65, 4.0), speaker: 1 },
    ];
    const utterances = groupUtterances(words, { maxPauseSeconds: 1 });
    assert.deepEqual(
      utterances.map((u) => [u.speaker, u.text, u.start, u.end]),
      [
        [0, 'Hello there.', 0, 0.8],
        [0, 'How are', 0.9, 1.3],
        [0, 'you', 3.0, 3.2],
        [1, 'Fine thanks', 3.3, 4.0],
      ],
    );
    assert.equal(utterances[3].words.length, 2);
  });

  test('CJK sentence ends split too, and words join without spaces where they carry none', () => {
    const words = [
      { ...w('今日は', 0, 0.5), speaker: 0 },
      { ...w('晴れです。', 0.5, 1.0), speaker: 0 },
      { ...w('本当', 1.1, 1.4), speaker: 0 },
      { ...w('？', 1.4, 1.5), speaker: 0 },
      { ...w('行こう！', 1.6, 2.0), speaker: 0 },
      { ...w(' 네', 2.1, 2.3), speaker: 1 },
      { ...w(' 좋아요.', 2.3, 2.8), speaker: 1 },
    ];
    assert.deepEqual(
      groupUtterances(words).map((u) => u.text),
      ['今日は晴れです。', '本当？', '行こう！', '네 좋아요.'],
    );
  });

  test('no words, no utterances', () => {
    assert.deepEqual(groupUtterances([]), []);
  });
});
