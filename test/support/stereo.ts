import { execFileSync } from 'node:child_process';
import { decodeToPcm } from '../../libs/audio';
import type { SpeakerTurn } from '../../libs/diarization';
import { detectSpeech } from '../../libs/speech';

export interface ChannelSource {
  file: string;
  /** Where the recording starts on its channel. */
  offsetSeconds: number;
}

/**
 * A 16 kHz 16-bit WAV with one channel per source (0 = left), each source delayed by its offset
 * and padded with silence to `seconds`: a call recording whose truth is known.
 */
export function writeChannelsWav(filePath: string, sources: readonly ChannelSource[], seconds: number): void {
  const inputs = sources.flatMap((source) => ['-i', source.file]);
  const chains = sources.map(
    (source, i) =>
      `[${i}:a]aresample=16000,adelay=${Math.round(source.offsetSeconds * 1000)}:all=1,apad=whole_dur=${seconds}[c${i}]`,
  );
  const layout = sources.length === 2 ? 'stereo' : `${sources.length}c`;
  const join = `${sources.map((_, i) => `[c${i}]`).join('')}join=inputs=${sources.length}:channel_layout=${layout}[out]`;
  execFileSync('ffmpeg', [
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    ...inputs,
    '-filter_complex',
    [...chains, join].join(';'),
    '-map',
    '[out]',
    '-t',
    String(seconds),
    '-ar',
    '16000',
    '-c:a',
    'pcm_s16le',
    filePath,
  ]);
}

/** The reference of such a file: each source's own speech regions (Silero VAD), shifted by its offset. */
export async function sourceSpeechTurns(
  sources: readonly ChannelSource[],
  vadModelPath: string,
): Promise<SpeakerTurn[]> {
  const turns: SpeakerTurn[] = [];
  for (const [speaker, source] of sources.entries()) {
    const regions = await detectSpeech(await decodeToPcm(source.file), { modelPath: vadModelPath });
    turns.push(
      ...regions.map((region) => ({
        speaker,
        start: region.start + source.offsetSeconds,
        end: region.end + source.offsetSeconds,
      })),
    );
  }
  return turns;
}

/** A WAV of `channels` channels of one tone each (a layout per-channel speakers refuse past 8). */
export function writeToneChannelsWav(filePath: string, channels: number, seconds = 1): void {
  const inputs = Array.from({ length: channels }, (_, i) => [
    '-f',
    'lavfi',
    '-i',
    `sine=f=${220 + 110 * i}:d=${seconds}:sample_rate=16000`,
  ]).flat();
  const join = `${Array.from({ length: channels }, (_, i) => `[${i}:a]`).join('')}amerge=inputs=${channels}[out]`;
  execFileSync('ffmpeg', [
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    ...inputs,
    '-filter_complex',
    join,
    '-map',
    '[out]',
    '-c:a',
    'pcm_s16le',
    filePath,
  ]);
}
