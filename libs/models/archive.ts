import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import unbzip2 from 'unbzip2-stream';
import type { Checksum } from './checksum';
import { ModelInstallError } from './errors';
import { writeVerifiedFile } from './verified-file';

/**
 * Extracts one member of a tar archive (plain, gzip or bzip2) into `target`, verified and atomically, in
 * Node alone: the runtime images have no bzip2 program, which the system tar would need for the
 * `.tar.bz2` archives sherpa-onnx publishes. The `tar` package parses (and un-gzips); bzip2 is
 * decompressed by `unbzip2-stream`.
 */
export async function extractArchiveMember(
  archive: string,
  member: string,
  target: string,
  options: { checksum: Checksum | null; signal?: AbortSignal; onBytes?: (bytes: number) => void },
): Promise<{ bytes: number; sha256: string }> {
  const fail = (reason: string): ModelInstallError =>
    new ModelInstallError(`cannot extract ${member} from ${archive}: ${reason}`);
  const wanted = normaliseMemberPath(member);
  const memberBytes = new PassThrough();
  let found = false;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      if (!found && entry.type === 'File' && normaliseMemberPath(entry.path) === wanted) {
        found = true;
        entry.pipe(memberBytes);
      } else {
        entry.resume();
      }
    },
  });
  const tarBytes = await decompressed(archive);
  const parsed = new Promise<void>((resolve, reject) => {
    const onError = (error: unknown): void =>
      reject(fail(error instanceof Error ? error.message : String(error)));
    tarBytes.on('error', onError);
    parser.on('error', onError);
    parser.on('end', () => (found ? resolve() : reject(fail('no such member in the archive'))));
  });
  // A broken or member-less archive ends the member's stream too, so that the write below stops.
  parsed.catch((error: unknown) => memberBytes.destroy(error as Error));
  options.signal?.addEventListener('abort', () => tarBytes.destroy(), { once: true });
  tarBytes.pipe(parser);
  try {
    return await writeVerifiedFile(memberBytes, target, {
      checksum: options.checksum,
      signal: options.signal,
      onBytes: options.onBytes,
      sourceLabel: `${member} in ${archive}`,
      beforeCommit: () => parsed,
    });
  } finally {
    tarBytes.destroy();
  }
}

/** `./a/b` and `a/b` name the same member. */
function normaliseMemberPath(memberPath: string): string {
  return memberPath.replace(/^(\.\/)+/, '');
}

const BZIP2_MAGIC = Buffer.from('BZh');

/** The archive's tar bytes: bzip2 undone here; gzip and plain tar go to the parser as they are. */
async function decompressed(archive: string): Promise<Readable> {
  const head = Buffer.alloc(BZIP2_MAGIC.length);
  const file = await open(archive, 'r');
  try {
    await file.read(head, 0, head.length, 0);
  } finally {
    await file.close();
  }
  const raw = createReadStream(archive);
  if (!head.equals(BZIP2_MAGIC)) return raw;
  // unbzip2-stream is a classic (through) stream: bridge it into a Node stream that carries its errors.
  const bridged = new PassThrough();
  const bunzip = unbzip2();
  raw.on('error', (error) => bridged.destroy(error));
  bunzip.on('error', (error: Error) => bridged.destroy(error));
  bridged.on('close', () => raw.destroy());
  raw.pipe(bunzip).pipe(bridged);
  return bridged;
}
