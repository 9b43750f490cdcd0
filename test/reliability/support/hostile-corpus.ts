import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeWav } from '../../../libs/audio';
import { fixtures } from '../../support/shared-files';
import { ffmpeg, speechSamples } from './audio-clips';
import { writeVideoWithoutAudio } from '../../support/media';

/**
 * What a hostile or broken file may get: refused with a 4xx (`refused`), refused or accepted and then
 * failed cleanly (`refusedOrFailed`), failed or completed (`decodable`: it begins like valid audio),
 * or it is valid audio and must complete (`completes`), with no text where it holds none.
 */
export type Expectation = 'refused' | 'refusedOrFailed' | 'failed' | 'decodable' | 'completes' | 'silent';

export interface HostileCase {
  name: string;
  /** The file name the client sends: an audio extension, never the real type. */
  sentAs: string;
  bytes: Buffer;
  expect: Expectation;
  /** The HTTP status expected where `expect` is `refused`. */
  status?: number;
}

/** A deterministic byte stream (xorshift32), so that a failure can be reproduced. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A WAV header that claims `claimedSeconds` of 16 kHz mono audio, followed by fewer samples. */
function lyingWav(claimedSeconds: number, samples: Float32Array): Buffer {
  const wav = encodeWav(samples);
  const claimedBytes = Math.min(0xffffff00, claimedSeconds * 16000 * 2);
  wav.writeUInt32LE(claimedBytes + 36, 4);
  wav.writeUInt32LE(claimedBytes, 40);
  return wav;
}

/**
 * Builds the corpus in `dir`. `canary` is a valid audio file outside the upload folder: playlists
 * point at it (and at /etc/passwd), so that a test can check that nothing ever read it.
 */
export function buildHostileCorpus(dir: string, canary: string): HostileCase[] {
  const speech = speechSamples(3);
  const playlistTargets = ['/etc/passwd', canary, `file:${canary}`];
  const hls =
    '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n' +
    playlistTargets.map((target) => `#EXTINF:10.0,\n${target}\n`).join('') +
    '#EXT-X-ENDLIST\n';
  const ffconcat = `ffconcat version 1.0\n${playlistTargets.map((t) => `file '${t}'\n`).join('')}`;
  // An ID3v2 tag header whose size runs past the end: file-type calls that MP3, so the playlist
  // behind it does reach ffmpeg, which must read it as (broken) MP3 and nothing else.
  const id3Header = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0x10, 0]);

  const silentVideo = path.join(dir, 'no-audio.mp4');
  writeVideoWithoutAudio(silentVideo);
  const stereo8k = path.join(dir, 'stereo-8k.wav');
  ffmpeg('-i', fixtures.audio('conv-en-2spk.wav'), '-t', '3', '-ac', '2', '-ar', '8000', stereo8k);
  const mp3 = readFileSync(fixtures.audio('conv-en-2spk.mp3'));
  const flac = readFileSync(fixtures.audio('conv-en-2spk.flac'));
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    Buffer.from('IHDR'),
    Buffer.alloc(17),
  ]);

  const cases: HostileCase[] = [
    { name: 'empty file', sentAs: 'empty.wav', bytes: Buffer.alloc(0), expect: 'refused', status: 400 },
    {
      name: 'text renamed as audio',
      sentAs: 'notes.wav',
      bytes: Buffer.from('just some words, not audio at all\n'.repeat(20)),
      expect: 'refused',
      status: 415,
    },
    { name: 'PNG renamed as audio', sentAs: 'image.mp3', bytes: png, expect: 'refused', status: 415 },
    {
      name: 'PDF renamed as audio',
      sentAs: 'paper.flac',
      bytes: Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
      expect: 'refused',
      status: 415,
    },
    {
      name: 'ZIP renamed as audio',
      sentAs: 'archive.ogg',
      bytes: Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), Buffer.alloc(200)]),
      expect: 'refused',
      status: 415,
    },
    {
      name: 'ELF executable renamed as audio',
      sentAs: 'program.m4a',
      bytes: readFileSync(process.execPath).subarray(0, 8192),
      expect: 'refused',
      status: 415,
    },
    // Random bytes may by chance begin like an MPEG frame; then the decode must fail cleanly.
    {
      name: 'random bytes',
      sentAs: 'noise.wav',
      bytes: pseudoRandomBytes(64 * 1024, 0x5eed),
      expect: 'refusedOrFailed',
    },
    { name: 'truncated MP3', sentAs: 'cut.mp3', bytes: mp3.subarray(0, 2048), expect: 'decodable' },
    { name: 'truncated FLAC', sentAs: 'cut.flac', bytes: flac.subarray(0, 6000), expect: 'decodable' },
    {
      name: 'WAV header without samples',
      sentAs: 'header-only.wav',
      bytes: encodeWav(new Float32Array(0)),
      expect: 'decodable',
    },
    {
      name: 'HLS playlist naming /etc/passwd',
      sentAs: 'playlist.mp3',
      bytes: Buffer.from(hls),
      expect: 'refused',
      status: 415,
    },
    {
      name: 'ffconcat script naming /etc/passwd',
      sentAs: 'list.wav',
      bytes: Buffer.from(ffconcat),
      expect: 'refused',
      status: 415,
    },
    {
      name: 'HLS playlist behind an ID3 tag (sniffed as MP3)',
      sentAs: 'tagged.mp3',
      bytes: Buffer.concat([id3Header, Buffer.from(hls)]),
      expect: 'refusedOrFailed',
    },
    {
      name: 'video without an audio stream',
      sentAs: 'clip.mp4',
      bytes: readFileSync(silentVideo),
      expect: 'failed',
    },
    {
      name: '10 s of digital silence',
      sentAs: 'silence.wav',
      bytes: encodeWav(new Float32Array(10 * 16000)),
      expect: 'silent',
    },
    { name: 'a 50 ms file', sentAs: 'blip.wav', bytes: encodeWav(speech.slice(0, 800)), expect: 'decodable' },
    { name: '8 kHz stereo WAV', sentAs: 'phone.wav', bytes: readFileSync(stereo8k), expect: 'completes' },
    {
      name: 'WAV header claiming 3 hours, holding 3 s',
      sentAs: 'liar.wav',
      bytes: lyingWav(3 * 3600, speech),
      expect: 'decodable',
    },
  ];
  return cases;
}
