import { spawn } from 'node:child_process';
import type { Checksum } from './checksum';
import { ModelInstallError } from './errors';
import { writeVerifiedFile } from './verified-file';

/**
 * Extracts one member of a tar archive (gzip, bzip2 or xz: tar detects it) into `target`, verified and
 * atomically, with the system tar: Node's tar package cannot read the bzip2 archives sherpa-onnx publishes.
 */
export async function extractArchiveMember(
  archive: string,
  member: string,
  target: string,
  options: { checksum: Checksum | null; signal?: AbortSignal; onBytes?: (bytes: number) => void },
): Promise<{ bytes: number; sha256: string }> {
  const child = spawn('tar', ['-x', '-O', '-f', archive, member], {
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: options.signal,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  exited.catch(() => undefined);
  return writeVerifiedFile(child.stdout, target, {
    checksum: options.checksum,
    signal: options.signal,
    onBytes: options.onBytes,
    sourceLabel: `${member} in ${archive}`,
    beforeCommit: async () => {
      const code = await exited;
      if (code !== 0) {
        const reason = stderr.trim().split('\n')[0] || `tar exited with ${code}`;
        throw new ModelInstallError(`cannot extract ${member} from ${archive}: ${reason}`);
      }
    },
  });
}
