import { AudioDecodeError } from './errors';
import { pcmDecodeArgs, summarizeFfmpegError } from './ffmpeg-args';
import { Float32Collector } from './float32-collector';
import { probeMedia } from './probe';
import { streamProcess } from './run-process';
import { WHISPER_SAMPLE_RATE, type DecodeOptions } from './decode';

const BYTES_PER_SAMPLE = 4;

/**
 * Takes interleaved float32 frames (sample of channel 0, of channel 1, ...) in chunks of any size and
 * keeps each channel in its own collector. A chunk may end mid-frame: the rest waits for the next one.
 */
class ChannelSplitter {
  private readonly collectors: Float32Collector[];
  private pending: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly channels: number,
    capacityPerChannel: number,
  ) {
    this.collectors = Array.from({ length: channels }, () => new Float32Collector(capacityPerChannel));
  }

  append(chunk: Uint8Array): void {
    const frameBytes = this.channels * BYTES_PER_SAMPLE;
    // Copied into a fresh (aligned) buffer together with what the previous chunk left over.
    const bytes = new Uint8Array(this.pending.byteLength + chunk.byteLength);
    bytes.set(this.pending, 0);
    bytes.set(chunk, this.pending.byteLength);
    const frames = Math.floor(bytes.byteLength / frameBytes);
    this.pending = bytes.slice(frames * frameBytes);
    if (frames === 0) return;
    const interleaved = new Float32Array(bytes.buffer, 0, frames * this.channels);
    for (let channel = 0; channel < this.channels; channel++) {
      const samples = new Float32Array(frames);
      for (let frame = 0, at = channel; frame < frames; frame++, at += this.channels) {
        samples[frame] = interleaved[at];
      }
      this.collectors[channel].append(new Uint8Array(samples.buffer));
    }
  }

  finish(): Float32Array[] {
    return this.collectors.map((collector) => collector.finish());
  }
}

/**
 * Decodes the first audio stream keeping its channels apart: one float32 array per channel (0 = left,
 * 1 = right, ... in the stream's own order), each at `sampleRate`, all of one length. Same input
 * restrictions as decodeToPcm (local file, accepted containers only). `maxChannels` refuses a stream
 * with more channels before anything is decoded.
 */
export async function decodeChannelsToPcm(
  filePath: string,
  options: DecodeOptions & { maxChannels?: number } = {},
): Promise<Float32Array[]> {
  const sampleRate = options.sampleRate ?? WHISPER_SAMPLE_RATE;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192000) {
    throw new RangeError(`Expected an integer sampleRate between 1000 and 192000 but received ${sampleRate}`);
  }
  const info = await probeMedia(filePath, { signal: options.signal, ffprobePath: options.ffprobePath });
  if (!info.hasAudio) throw new AudioDecodeError('cannot decode audio: the file holds no audio stream');
  const channels = info.channels;
  if (channels === null) {
    throw new AudioDecodeError('cannot decode audio: the number of audio channels cannot be read');
  }
  if (options.maxChannels !== undefined && channels > options.maxChannels) {
    throw new AudioDecodeError(
      `cannot decode audio: ${channels} channels, at most ${options.maxChannels} can be kept apart`,
    );
  }
  const seconds = options.expectedSeconds === undefined ? info.durationSeconds : options.expectedSeconds;
  const capacity =
    seconds !== null && Number.isFinite(seconds) && seconds >= 0 ? (seconds * 1.01 + 1) * sampleRate : 0;
  const splitter = new ChannelSplitter(channels, Math.min(2 ** 26, Math.ceil(capacity)));
  const exit = await streamProcess(
    options.ffmpegPath ?? 'ffmpeg',
    pcmDecodeArgs(filePath, sampleRate, 'all'),
    { onStdout: (chunk) => splitter.append(chunk), signal: options.signal },
  );
  if (exit.code !== 0) {
    throw new AudioDecodeError(`cannot decode audio: ${summarizeFfmpegError(exit.stderr, filePath)}`);
  }
  return splitter.finish();
}
