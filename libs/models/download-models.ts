import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { extractArchiveMember } from './archive';
import { addDerivedModels } from './derived-models';
import { installedPath, upstreamFileName, type ModelSpec } from './catalogue';
import { hashFile } from './checksum';
import { DownloadError, InstallAbortedError } from './errors';
import { openUrl } from './http-download';
import { MissingModelsError } from './missing-models-error';
import type { InstallCallbacks, InstalledModel, InstallReport } from './progress';
import { writeVerifiedFile } from './verified-file';

export interface DownloadOptions extends InstallCallbacks {
  modelsDir: string;
  /** Download again even where the file is present and intact. */
  force?: boolean;
  connectTimeoutMs?: number;
  idleTimeoutMs?: number;
}

/**
 * Downloads each model into `<modelsDir>/<kind>/<file>`, verified and atomically. A model that is already
 * there and matches its checksum is kept. A failure of one model is reported and the others go on, except
 * when the host cannot be reached at all: then it stops at once with a MissingModelsError naming every
 * model still missing. Aborting (Ctrl-C) throws InstallAbortedError after removing the partial file.
 */
export async function downloadModels(
  specs: readonly ModelSpec[],
  options: DownloadOptions,
): Promise<InstallReport> {
  const report: InstallReport = { installed: [], failed: [] };
  for (const [index, spec] of specs.entries()) {
    const target = installedPath(options.modelsDir, spec);
    try {
      const present = options.force ? null : await presentModel(spec, target);
      const model = present ?? (await downloadModel(spec, target, options));
      report.installed.push(model);
      options.onInstalled?.(model);
      await addDerivedModels(model, report, options);
    } catch (error) {
      if (error instanceof InstallAbortedError) throw error;
      if (error instanceof DownloadError && error.unreachable) {
        const missing = specs
          .slice(index)
          .map((other) => ({ spec: other, path: installedPath(options.modelsDir, other) }))
          .filter(({ path }) => !existsSync(path))
          .map(({ spec: other, path }) => ({ label: `${other.name} (${other.kind})`, path, url: other.url }));
        throw new MissingModelsError(missing, `cannot download: ${error.message}`);
      }
      report.failed.push({ label: spec.name, error: error as Error });
    }
  }
  return report;
}

/** The installed model when its file is there and, where a checksum is known, intact. */
async function presentModel(spec: ModelSpec, target: string): Promise<InstalledModel | null> {
  if (!existsSync(target)) return null;
  const hashes = await hashFile(target);
  if (spec.checksum && hashes.digest(spec.checksum.algorithm) !== spec.checksum.hex) return null;
  return {
    label: spec.name,
    kind: spec.kind,
    path: target,
    action: 'present',
    verification: spec.checksum ? 'checksum' : 'unverified',
    sha256: hashes.digest('sha256'),
  };
}

async function downloadModel(
  spec: ModelSpec,
  target: string,
  options: DownloadOptions,
): Promise<InstalledModel> {
  const opened = await openUrl(spec.url, options);
  const progress = (phase: 'download' | 'extract', totalBytes: number | null) => (bytes: number) =>
    options.onProgress?.({ label: spec.name, phase, bytes, totalBytes });
  let written: { sha256: string };
  if (!spec.archiveMember) {
    written = await writeVerifiedFile(opened.response, target, {
      checksum: spec.checksum,
      expectedBytes: opened.totalBytes,
      signal: options.signal,
      onBytes: progress('download', opened.totalBytes),
      sourceLabel: opened.url,
    });
  } else {
    // The archive is only a carrier: it is fetched beside the target, the member taken out, the archive removed.
    const archive = `${target}.${upstreamFileName(spec)}`;
    try {
      await writeVerifiedFile(opened.response, archive, {
        checksum: null,
        expectedBytes: opened.totalBytes,
        signal: options.signal,
        onBytes: progress('download', opened.totalBytes),
        sourceLabel: opened.url,
      });
      written = await extractArchiveMember(archive, spec.archiveMember, target, {
        checksum: spec.checksum,
        signal: options.signal,
        onBytes: progress('extract', null),
      });
    } finally {
      await rm(archive, { force: true });
    }
  }
  return {
    label: spec.name,
    kind: spec.kind,
    path: target,
    action: 'installed',
    verification: spec.checksum ? 'checksum' : 'unverified',
    sha256: written.sha256,
  };
}
