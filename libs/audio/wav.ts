import { readFileSync, writeFileSync } from 'node:fs';

/** Writes mono PCM as a 16-bit WAV file: for tests and benchmarks that synthesize audio. */
export function writeWavFile(filePath: string, samples: Float32Array, sampleRate = 16000): void {
  writeFileSync(filePath, encodeWav(samples, sampleRate));
}

export function encodeWav(samples: Float32Array, sampleRate = 16000): Buffer {
  const header = Buffer.alloc(44);
  const dataBytes = samples.length * 2;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  const data = Buffer.alloc(dataBytes);
  for (let i = 0; i < samples.length; i++) {
    const clipped = Math.max(-1, Math.min(1, samples[i]));
    data.writeInt16LE(Math.round(clipped * 32767), i * 2);
  }
  return Buffer.concat([header, data]);
}

/**
 * Reads a 16-bit integer or 32-bit float PCM WAV file; several channels are averaged to mono.
 * Anything else should go through decodeToPcm.
 */
export function readWavFile(filePath: string): { samples: Float32Array; sampleRate: number } {
  const bytes = readFileSync(filePath);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${filePath} is not a RIFF/WAVE file`);
  }
  let offset = 12;
  let format: { tag: number; channels: number; sampleRate: number; bits: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        tag: bytes.readUInt16LE(body),
        channels: bytes.readUInt16LE(body + 2),
        sampleRate: bytes.readUInt32LE(body + 4),
        bits: bytes.readUInt16LE(body + 14),
      };
    } else if (id === 'data' && format) {
      const end = Math.min(body + size, bytes.length);
      return { samples: decodeFrames(bytes.subarray(body, end), format), sampleRate: format.sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${filePath} has no fmt/data chunks`);
}

function decodeFrames(data: Buffer, format: { tag: number; channels: number; bits: number }): Float32Array {
  const isFloat = format.tag === 3 || (format.tag === 0xfffe && format.bits === 32);
  if (!(format.bits === 16 || (isFloat && format.bits === 32))) {
    throw new Error(`unsupported WAV sample format (tag ${format.tag}, ${format.bits} bits)`);
  }
  const bytesPerSample = format.bits / 8;
  const frames = Math.floor(data.length / (bytesPerSample * format.channels));
  const samples = new Float32Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < format.channels; channel++) {
      const at = (frame * format.channels + channel) * bytesPerSample;
      sum += isFloat ? data.readFloatLE(at) : data.readInt16LE(at) / 32768;
    }
    samples[frame] = sum / format.channels;
  }
  return samples;
}
