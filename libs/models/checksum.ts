import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ChecksumMismatchError } from './errors';

/** What upstream publishes: sha256 where known, sha1 where that is all there is (whisper.cpp's model table). */
export interface Checksum {
  algorithm: 'sha256' | 'sha1';
  hex: string;
}

/** Hashes a stream as it passes, with every algorithm that a check may need. */
export class StreamHashes {
  private readonly hashes = new Map<Checksum['algorithm'], Hash>([
    ['sha256', createHash('sha256')],
    ['sha1', createHash('sha1')],
  ]);
  private digests: Map<Checksum['algorithm'], string> | null = null;

  update(chunk: Buffer): void {
    for (const hash of this.hashes.values()) hash.update(chunk);
  }

  digest(algorithm: Checksum['algorithm']): string {
    this.digests ??= new Map([...this.hashes].map(([name, hash]) => [name, hash.digest('hex')]));
    return this.digests.get(algorithm) ?? '';
  }

  /** Throws ChecksumMismatchError unless the bytes match `expected` (nothing to check when null). */
  verify(file: string, expected: Checksum | null): void {
    if (!expected) return;
    const actual = this.digest(expected.algorithm);
    if (actual !== expected.hex.toLowerCase()) {
      throw new ChecksumMismatchError(file, expected.algorithm, expected.hex.toLowerCase(), actual);
    }
  }
}

export async function hashFile(file: string): Promise<StreamHashes> {
  const hashes = new StreamHashes();
  for await (const chunk of createReadStream(file)) hashes.update(chunk as Buffer);
  return hashes;
}

/**
 * Reads `sha256sum` output (`<hex>  <path>` or `<hex> *<path>`), keyed by the path as written.
 * Lines that are not checksum lines are ignored.
 */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    if (match) sums.set(match[2].replace(/^\.\//, ''), match[1].toLowerCase());
  }
  return sums;
}
