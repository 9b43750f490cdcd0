import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StreamHashes, type Checksum } from './checksum';
import { DownloadError, InstallAbortedError, ModelInstallError } from './errors';

export interface VerifiedWriteOptions {
  /** Checked before the file takes its final name; null writes it unverified. */
  checksum: Checksum | null;
  /** When known, fewer bytes than this mean a cut connection, even where the stream ended quietly. */
  expectedBytes?: number | null;
  signal?: AbortSignal;
  onBytes?: (bytesSoFar: number) => void;
  /** Runs after the last byte and before the rename; a throw here also discards the file. */
  beforeCommit?: () => Promise<void>;
  /** Where the bytes come from, for error messages. */
  sourceLabel: string;
}

export interface VerifiedWriteResult {
  bytes: number;
  sha256: string;
}

/**
 * Streams `source` into `<target>.part` while hashing it, and renames it to `target` only when every byte
 * arrived and the checksum matches. On any failure, including an abort, the partial file is deleted, so
 * `target` is either absent, the old file, or the complete verified new one.
 */
export async function writeVerifiedFile(
  source: Readable,
  target: string,
  options: VerifiedWriteOptions,
): Promise<VerifiedWriteResult> {
  const partial = `${target}.part`;
  const hashes = new StreamHashes();
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hashes.update(chunk);
      bytes += chunk.length;
      options.onBytes?.(bytes);
      done(null, chunk);
    },
  });
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await pipeline(source, meter, createWriteStream(partial), { signal: options.signal });
    if (options.expectedBytes != null && bytes !== options.expectedBytes) {
      throw new DownloadError(
        `${options.sourceLabel}: the connection closed after ${bytes} of ${options.expectedBytes} bytes`,
        options.sourceLabel,
        false,
      );
    }
    await options.beforeCommit?.();
    hashes.verify(path.basename(target), options.checksum);
    await rename(partial, target);
    return { bytes, sha256: hashes.digest('sha256') };
  } catch (error) {
    source.destroy();
    await rm(partial, { force: true });
    if (options.signal?.aborted) throw new InstallAbortedError();
    if (error instanceof ModelInstallError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DownloadError(`${options.sourceLabel}: ${reason}`, options.sourceLabel, false);
  }
}
