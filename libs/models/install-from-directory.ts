import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { extractArchiveMember } from './archive';
import { addDerivedModels } from './derived-models';
import { installedPath, MODEL_KINDS, resolveModels, upstreamFileName, type ModelSpec } from './catalogue';
import { hashFile, parseSha256Sums, type Checksum } from './checksum';
import { InstallAbortedError, ModelInstallError } from './errors';
import { MissingModelsError } from './missing-models-error';
import type { InstallCallbacks, InstalledModel, InstallReport, Verification } from './progress';
import { writeVerifiedFile } from './verified-file';

export interface DirectoryInstallOptions extends InstallCallbacks {
  modelsDir: string;
  /** Catalogue names or paths relative to the folder; none: every model found there. */
  names?: readonly string[];
  catalogue: readonly ModelSpec[];
}

/** One file to install: where it comes from, where it goes and what it must hash to. */
interface Planned {
  label: string;
  kind: string | null;
  source: string;
  /** Set when `source` is an archive holding the model. */
  member?: string;
  target: string;
  checksum: Checksum | null;
  verification: Verification;
}

const NOT_MODELS = new Set(['SHA256SUMS', 'README.md', 'README', 'LICENSE']);

/**
 * Installs models from a local folder (what CI does with ../shared/models, and how an offline machine gets
 * files fetched elsewhere). Catalogue models are recognised under their installed or upstream names, in the
 * folder itself or in its `<kind>/` sub-folder; files listed in the folder's SHA256SUMS are installed at
 * the same relative path. Every file is checked against the catalogue checksum or SHA256SUMS where either
 * exists; other files are copied only when named.
 */
export async function installFromDirectory(
  sourceDir: string,
  options: DirectoryInstallOptions,
): Promise<InstallReport> {
  if (!existsSync(sourceDir) || !statSync(sourceDir).isDirectory()) {
    throw new ModelInstallError(`--from ${sourceDir}: no such folder`);
  }
  const sums = readSums(sourceDir);
  const plan = await planInstall(sourceDir, sums, options);
  const report: InstallReport = { installed: [], failed: [] };
  for (const item of plan) {
    try {
      const model = await installPlanned(item, options);
      report.installed.push(model);
      options.onInstalled?.(model);
      await addDerivedModels(model, report, options);
    } catch (error) {
      if (error instanceof InstallAbortedError) throw error;
      report.failed.push({ label: item.label, error: error as Error });
    }
  }
  return report;
}

/** SHA256SUMS of the folder, keyed by path relative to it (entries may carry a prefix such as `models/`). */
function readSums(sourceDir: string): Map<string, string> {
  const file = path.join(sourceDir, 'SHA256SUMS');
  const sums = new Map<string, string>();
  if (!existsSync(file)) return sums;
  for (const [listed, hex] of parseSha256Sums(readFileSync(file, 'utf8'))) {
    const parts = listed.split('/');
    for (let skip = 0; skip < parts.length; skip++) {
      const relative = parts.slice(skip).join('/');
      if (existsSync(path.join(sourceDir, relative))) {
        sums.set(relative, hex);
        break;
      }
    }
  }
  return sums;
}

/** Where a catalogue model may lie in the folder, relative to it, and the archive member if it is archived. */
function findInFolder(sourceDir: string, spec: ModelSpec): { relative: string; member?: string } | null {
  const upstream = upstreamFileName(spec);
  const direct = [path.join(spec.kind, spec.fileName), spec.fileName];
  if (spec.archiveMember) direct.push(spec.archiveMember, path.join(spec.kind, spec.archiveMember));
  else direct.push(upstream, path.join(spec.kind, upstream));
  const found = direct.find((relative) => isFile(path.join(sourceDir, relative)));
  if (found) return { relative: found };
  if (spec.archiveMember) {
    const archive = [upstream, path.join(spec.kind, upstream)].find((relative) =>
      isFile(path.join(sourceDir, relative)),
    );
    if (archive) return { relative: archive, member: spec.archiveMember };
  }
  return null;
}

async function planInstall(
  sourceDir: string,
  sums: Map<string, string>,
  options: DirectoryInstallOptions,
): Promise<Planned[]> {
  const plan: Planned[] = [];
  const missing: { label: string; path: string; url?: string }[] = [];
  const fromCatalogue = (spec: ModelSpec, found: { relative: string; member?: string }): Planned => {
    // A sum for an archive covers the archive, not the member, so it cannot verify the extracted model.
    const listed = found.member ? undefined : sums.get(toPosix(found.relative));
    return {
      label: spec.name,
      kind: spec.kind,
      source: path.join(sourceDir, found.relative),
      member: found.member,
      target: installedPath(options.modelsDir, spec),
      checksum: spec.checksum ?? (listed ? { algorithm: 'sha256', hex: listed } : null),
      verification: spec.checksum ? 'checksum' : listed ? 'sha256sums' : 'unverified',
    };
  };
  const fromPath = (relative: string): Planned => {
    const listed = sums.get(toPosix(relative));
    const first = toPosix(relative).split('/')[0];
    return {
      label: toPosix(relative),
      kind: (MODEL_KINDS as readonly string[]).includes(first) ? first : null,
      source: path.join(sourceDir, relative),
      target: path.join(options.modelsDir, relative),
      checksum: listed ? { algorithm: 'sha256', hex: listed } : null,
      verification: listed ? 'sha256sums' : 'unverified',
    };
  };

  if (options.names && options.names.length > 0) {
    for (const name of options.names) {
      const spec = catalogueModel(name, options.catalogue);
      const found = spec ? findInFolder(sourceDir, spec) : null;
      const relative = spec ? null : relativeInside(sourceDir, name);
      if (spec && found) plan.push(fromCatalogue(spec, found));
      else if (relative) plan.push(fromPath(relative));
      else if (spec)
        missing.push({ label: spec.name, path: installedPath(options.modelsDir, spec), url: spec.url });
      else missing.push({ label: name, path: path.join(options.modelsDir, name) });
    }
    if (missing.length > 0) throw new MissingModelsError(missing, `not found in ${sourceDir}`);
    return dedupe(plan);
  }

  for (const spec of options.catalogue) {
    const found = findInFolder(sourceDir, spec);
    if (found) plan.push(fromCatalogue(spec, found));
  }
  const planned = new Set(plan.map((item) => item.source));
  for (const relative of sums.keys()) {
    if (!planned.has(path.join(sourceDir, relative))) plan.push(fromPath(relative));
  }
  if (plan.length === 0) {
    const files = (await listFiles(sourceDir)).filter((file) => !NOT_MODELS.has(path.basename(file)));
    throw new ModelInstallError(
      `--from ${sourceDir}: no known model and no SHA256SUMS entry there` +
        (files.length ? `; name the files to copy them anyway: ${files.join(', ')}` : ''),
    );
  }
  return dedupe(plan);
}

function dedupe(plan: Planned[]): Planned[] {
  const seen = new Set<string>();
  return plan.filter((item) => !seen.has(item.target) && seen.add(item.target));
}

async function installPlanned(item: Planned, options: DirectoryInstallOptions): Promise<InstalledModel> {
  const done = (action: InstalledModel['action'], sha256: string): InstalledModel => ({
    label: item.label,
    kind: item.kind,
    path: item.target,
    action,
    verification: item.verification,
    sha256,
  });
  const present = await installedHash(item);
  if (present) return done('present', present);
  if (item.member) {
    const { sha256 } = await extractArchiveMember(item.source, item.member, item.target, {
      checksum: item.checksum,
      signal: options.signal,
      onBytes: (bytes) =>
        options.onProgress?.({ label: item.label, phase: 'extract', bytes, totalBytes: null }),
    });
    return done('installed', sha256);
  }
  const totalBytes = statSync(item.source).size;
  const { sha256 } = await writeVerifiedFile(createReadStream(item.source), item.target, {
    checksum: item.checksum,
    expectedBytes: totalBytes,
    signal: options.signal,
    onBytes: (bytes) => options.onProgress?.({ label: item.label, phase: 'copy', bytes, totalBytes }),
    sourceLabel: item.source,
  });
  return done('installed', sha256);
}

/**
 * The installed file's sha256 when it is already there with the expected bytes (its checksum, or else the
 * source file's own hash); null when it has to be installed.
 */
async function installedHash(item: Planned): Promise<string | null> {
  if (!isFile(item.target)) return null;
  const installed = await hashFile(item.target);
  const sha256 = installed.digest('sha256');
  if (item.checksum)
    return installed.digest(item.checksum.algorithm) === item.checksum.hex.toLowerCase() ? sha256 : null;
  if (item.member) return null;
  return sha256 === (await hashFile(item.source)).digest('sha256') ? sha256 : null;
}

function catalogueModel(name: string, catalogue: readonly ModelSpec[]): ModelSpec | null {
  try {
    return resolveModels([name], catalogue)[0];
  } catch {
    return null;
  }
}

/** `name` as a path relative to the folder when it names a file inside it (never outside). */
function relativeInside(sourceDir: string, name: string): string | null {
  const relative = path.relative(sourceDir, path.resolve(sourceDir, name));
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return isFile(path.join(sourceDir, relative)) ? relative : null;
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(dir, path.join(prefix, entry.name)) : [path.join(prefix, entry.name)],
    ),
  );
  return nested.flat();
}
