import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_MODEL_NAMES,
  downloadModels,
  InstallAbortedError,
  installedPath,
  installFromDirectory,
  modelCatalogue,
  resolveModels,
  type InstalledModel,
  type InstallReport,
  type ModelSpec,
} from '../../../libs/models';
import { TransferProgressBar } from './models-progress';

interface ModelsOptions {
  from?: string;
  dir: string;
  mirror?: string;
  force?: boolean;
}

/** The env variable the app reads for each kind of model. */
const ENV_BY_KIND: Record<string, string> = {
  whisper: 'WHISPER_MODEL_PATH',
  vad: 'VAD_MODEL_PATH',
  segmentation: 'SEGMENTATION_MODEL_PATH',
  embedding: 'EMBEDDING_MODEL_PATH',
};

/**
 * `models [list | install NAMES... | NAMES...] [--from DIR]`: downloads the models a deployment uses from
 * their upstreams (verified, atomic, with a progress bar), or installs them from a local folder.
 */
export function registerModelsCommand(program: Command): void {
  program
    .command('models')
    .description(
      'download and verify models into MODELS_DIR (default ./models), or install them from a local folder\n' +
        `  models list                 the catalogue and what is installed\n` +
        `  models [install] [NAMES...] download (default: ${DEFAULT_MODEL_NAMES.join(', ')})\n` +
        `  models --from DIR [NAMES...] install from DIR instead (what CI does with ../shared/models)`,
    )
    .argument('[args...]', '"list", or "install" and/or model names (aliases: vad, segmentation, embedding)')
    .option('--from <dir>', 'install from a local folder instead of downloading')
    .option('--dir <dir>', 'models folder', process.env.MODELS_DIR || 'models')
    .option(
      '--mirror <url>',
      'base URL serving the upstream file names',
      process.env.MODELS_MIRROR || undefined,
    )
    .option('--force', 'download again even where an intact file is present')
    .action(async (args: string[], options: ModelsOptions) => {
      const catalogue = modelCatalogue({ mirror: options.mirror });
      if (args[0] === 'list') return listModels(catalogue, options.dir);
      const names = args[0] === 'install' ? args.slice(1) : args;
      await install(catalogue, names, options);
    });
}

function listModels(catalogue: readonly ModelSpec[], modelsDir: string): void {
  const rows = catalogue.map((spec) => {
    const installed = existsSync(installedPath(modelsDir, spec)) ? 'installed' : '';
    const checksum = spec.checksum ? spec.checksum.algorithm : 'none';
    const marker = DEFAULT_MODEL_NAMES.includes(spec.name) ? '*' : ' ';
    return [`${marker} ${spec.name}`, spec.kind, spec.size, checksum, installed, spec.description];
  });
  const header = ['  name', 'kind', 'size', 'checksum', 'status', 'description'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  for (const row of [header, ...rows]) {
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    );
  }
  console.log(`\n* installed by default; folder: ${path.resolve(modelsDir)}`);
}

async function install(
  catalogue: readonly ModelSpec[],
  names: string[],
  options: ModelsOptions,
): Promise<void> {
  const bar = new TransferProgressBar();
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const callbacks = {
    signal: controller.signal,
    onProgress: bar.update.bind(bar),
    onInstalled: (model: InstalledModel) => {
      bar.clear();
      printInstalled(model);
    },
  };
  let report: InstallReport;
  try {
    report = options.from
      ? await installFromDirectory(options.from, { ...callbacks, names, catalogue, modelsDir: options.dir })
      : await downloadModels(resolveModels(names, catalogue), {
          ...callbacks,
          modelsDir: options.dir,
          force: options.force,
        });
  } catch (error) {
    bar.clear();
    if (error instanceof InstallAbortedError) {
      console.error(error.message);
      process.exitCode = 130;
      return;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
  bar.clear();
  for (const { label, error } of report.failed) console.error(`failed: ${label}: ${error.message}`);
  printEnv(report.installed);
  if (report.failed.length > 0) process.exitCode = 1;
}

function printInstalled(model: InstalledModel): void {
  const verb = model.action === 'present' ? 'present' : 'installed';
  const how =
    model.verification === 'checksum'
      ? 'verified'
      : model.verification === 'sha256sums'
        ? 'verified by SHA256SUMS'
        : model.verification === 'derived'
          ? `derived from ${path.basename(model.derivedFrom ?? '')}`
          : 'NOT verified';
  console.log(`${verb} ${model.label} -> ${model.path} (${how})`);
  if (model.verification === 'unverified') {
    console.error(
      `warning: ${model.label} was not verified: no checksum is known for it; its sha256 is ${model.sha256}`,
    );
  }
}

/**
 * The lines to put in the env file, one per kind: the first installed of each, except that a graph derived
 * from it replaces it (the float-SincNet segmentation graph is the one to run).
 */
function printEnv(installed: readonly InstalledModel[]): void {
  const chosen = new Map<string, InstalledModel>();
  for (const model of installed) {
    const variable = model.kind ? ENV_BY_KIND[model.kind] : undefined;
    if (!variable) continue;
    const first = chosen.get(variable);
    const madeFromFirst =
      first !== undefined &&
      model.derivedFrom !== undefined &&
      path.resolve(model.derivedFrom) === path.resolve(first.path);
    if (!first || madeFromFirst) chosen.set(variable, model);
  }
  if (chosen.size === 0) return;
  console.log('\nfor the env file:');
  for (const [variable, model] of chosen) console.log(`  ${variable}=${path.resolve(model.path)}`);
}
