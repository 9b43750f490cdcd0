import { randomBytes } from 'node:crypto';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isReleasable, releaseSamples } from '../audio';

/** Reads and writes in pieces: one call moves at most about 2 GiB on Linux. */
const IO_CHUNK_BYTES = 1 << 30;

/**
 * Decoded samples parked on disk while a stage that does not read them runs, their memory freed
 * meanwhile (so they must come from releasableSamples), then read back into a new plain array.
 * One after the other, Whisper's own peak (its copy of the speech, a padded copy and the
 * spectrogram) then no longer sits on top of the whole file's PCM that diarization reads later.
 * The file is unlinked as soon as it is open: nothing is left behind, however the process ends.
 */
export class SamplesOnDisk {
  private closed = false;

  private constructor(
    private readonly file: FileHandle,
    private readonly length: number,
  ) {}

  /**
   * Writes `samples` to an unnamed file in `directory`, then frees them (their length becomes 0).
   * null, the samples left as they are, when they cannot be freed or the file cannot be written.
   */
  static async park(samples: Float32Array, directory: string): Promise<SamplesOnDisk | null> {
    if (!isReleasable(samples) || samples.length === 0) return null;
    let file: FileHandle | null = null;
    try {
      const filePath = path.join(directory, `.samples-${randomBytes(8).toString('hex')}.f32`);
      file = await open(filePath, 'wx+', 0o600);
      await unlink(filePath);
      await writeAll(file, bytesOf(samples));
    } catch {
      // Only a memory saving: without it (a full disk, say) the samples simply stay in memory.
      await file?.close().catch(() => undefined);
      return null;
    }
    const parked = new SamplesOnDisk(file, samples.length);
    releaseSamples(samples);
    return parked;
  }

  /** The samples as they were, in a new array; the file is closed (and so gone) after. */
  async restore(): Promise<Float32Array> {
    try {
      const samples = new Float32Array(this.length);
      await readAll(this.file, bytesOf(samples));
      return samples;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }
}

function bytesOf(samples: Float32Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength;) {
    const length = Math.min(IO_CHUNK_BYTES, bytes.byteLength - offset);
    const { bytesWritten } = await file.write(bytes, offset, length, offset);
    offset += bytesWritten;
  }
}

async function readAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength;) {
    const length = Math.min(IO_CHUNK_BYTES, bytes.byteLength - offset);
    const { bytesRead } = await file.read(bytes, offset, length, offset);
    if (bytesRead === 0) throw new Error('the parked audio file ended early');
    offset += bytesRead;
  }
}
