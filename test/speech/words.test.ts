import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NativeToken } from '../../libs/speech/native-types';
import { groupWords } from '../../libs/speech/words';

const EOT = 50257;
let nextT = 0;
function token(text: string | number[], p = 0.9, id = 100): NativeToken {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Uint8Array.from(text);
  const t0 = nextT;
  nextT += 10;
  return { id, bytes, p, t0, t1: nextT };
}

test('tokens with a leading space start words; pieces and punctuation join the word before', () => {
  nextT = 0;
  const words = groupWords(
    [
      token('', 1, EOT + 1),
      token(' Hel', 0.8),
      token('lo', 0.6),
      token(','),
      token(' world'),
      token('.'),
      token('', 1, EOT),
    ],
    EOT,
  );
  assert.deepEqual(
    words.map((w) => w.word),
    ['Hello,', 'world.'],
  );
  assert.equal(words[0].t0, 10);
  assert.equal(words[0].t1, 40);
  assert.ok(Math.abs(words[0].probability - (0.8 + 0.6 + 0.9) / 3) < 1e-9);
});

test('a character split over two tokens is decoded whole', () => {
  nextT = 0;
  const han = Buffer.from(' 한국어', 'utf8'); // space + 9 bytes
  const words = groupWords(
    [token([...han.subarray(0, 5)]), token([...han.subarray(5)]), token(' 대화')],
    EOT,
  );
  assert.deepEqual(
    words.map((w) => w.word),
    ['한국어', '대화'],
  );
});

test('special tokens are skipped and blank words dropped', () => {
  nextT = 0;
  assert.deepEqual(groupWords([token('[_BEG_]', 1, EOT + 5), token(' ')], EOT), []);
});
