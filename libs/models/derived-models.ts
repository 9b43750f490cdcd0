import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { deriveFloatSincnetGraph, FLOAT_SINCNET_DERIVATION, recordedDerivation } from './derive-segmentation';
import type { InstallCallbacks, InstalledModel, InstallReport } from './progress';

/** The int8 segmentation export, and the graph derived from it at install time (never downloaded). */
export const INT8_SEGMENTATION_FILE = 'pyannote-segmentation-3.0.int8.onnx';
export const FLOAT_SINCNET_SEGMENTATION_FILE = 'pyannote-segmentation-3.0.int8-float-sincnet.onnx';

/**
 * After a model is installed: derives the files made from it (the int8 segmentation graph's float-SincNet
 * version) and adds them to the report, or their failure, which leaves the installed source in place.
 */
export async function addDerivedModels(
  source: InstalledModel,
  report: InstallReport,
  callbacks: InstallCallbacks,
): Promise<void> {
  if (path.basename(source.path) !== INT8_SEGMENTATION_FILE) return;
  const label = `${source.label} float-SincNet`;
  try {
    const model = await installFloatSincnetSegmentation(source, label);
    report.installed.push(model);
    callbacks.onInstalled?.(model);
  } catch (error) {
    report.failed.push({ label, error: error as Error });
  }
}

/**
 * Writes the float-SincNet graph beside the int8 one, atomically. An existing one is kept when its metadata
 * says it was derived, by this derivation, from the bytes installed now (so a changed source is derived
 * again).
 */
async function installFloatSincnetSegmentation(
  source: InstalledModel,
  label: string,
): Promise<InstalledModel> {
  const target = path.join(path.dirname(source.path), FLOAT_SINCNET_SEGMENTATION_FILE);
  const result = (action: InstalledModel['action'], bytes: Uint8Array): InstalledModel => ({
    label,
    kind: source.kind,
    path: target,
    action,
    verification: 'derived',
    derivedFrom: source.path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
  if (existsSync(target)) {
    const present = await readFile(target);
    const recorded = recordedDerivation(present);
    if (recorded?.derivation === FLOAT_SINCNET_DERIVATION && recorded.sourceSha256 === source.sha256)
      return result('present', present);
  }
  const derived = deriveFloatSincnetGraph(await readFile(source.path), {
    sourceSha256: source.sha256,
    label: source.path,
  });
  const partial = `${target}.part`;
  try {
    await writeFile(partial, derived);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  return result('installed', derived);
}
