import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACCEPTED_FORMAT_NAMES, acceptedFormatOf } from '../../src/upload/accepted-formats';
import { ContentSniffer } from '../../src/upload/content-sniffer';
import { fixtures, skipUnlessPresent } from '../support/shared-files';

const EXPECTED: Record<string, string> = {
  wav: 'WAV',
  mp3: 'MP3',
  flac: 'FLAC',
  ogg: 'OGG',
  m4a: 'M4A',
  aiff: 'AIFF',
  opus: 'OPUS',
  webm: 'WebM',
  mp4: 'MP4',
  avi: 'AVI',
  mov: 'MOV',
  mkv: 'MKV',
};

describe('accepted formats, recognised from content', () => {
  test('the twelve contract formats are listed once each', () => {
    assert.deepEqual([...ACCEPTED_FORMAT_NAMES].sort(), Object.values(EXPECTED).sort());
  });

  test(
    'each fixture container is recognised as its own format',
    { skip: skipUnlessPresent(fixtures.audio('conv-en-2spk.mkv')) },
    async () => {
      const sniffer = new ContentSniffer();
      for (const [extension, name] of Object.entries(EXPECTED)) {
        const detected = await sniffer.sniff(fixtures.audio(`conv-en-2spk.${extension}`));
        assert.ok(detected, `${extension} not detected`);
        assert.equal(acceptedFormatOf(detected.ext), name, `${extension} detected as ${detected.ext}`);
      }
    },
  );

  test(
    'renamed non-audio files are not accepted, whatever their name says',
    { skip: skipUnlessPresent(fixtures.bad('png-renamed.mp3')) },
    async () => {
      const sniffer = new ContentSniffer();
      for (const name of ['empty.wav', 'text-renamed.wav', 'png-renamed.mp3', 'pdf-renamed.flac']) {
        const detected = await sniffer.sniff(fixtures.bad(name));
        assert.equal(detected ? acceptedFormatOf(detected.ext) : null, null, name);
      }
    },
  );
});
