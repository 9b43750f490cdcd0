import { ModelInstallError } from './errors';

export interface MissingModel {
  label: string;
  /** Where the installed file belongs. */
  path: string;
  /** Where upstream publishes it, when known. */
  url?: string;
}

/**
 * Models that could not be obtained (offline, or absent from a `--from` folder). The message lists each
 * one with its destination and the ways to provide it, so that an offline operator knows exactly what to do.
 */
export class MissingModelsError extends ModelInstallError {
  override name = 'MissingModelsError';
  constructor(
    readonly missing: readonly MissingModel[],
    readonly reason: string,
  ) {
    const lines = [`${missing.length} model file(s) missing (${reason}):`];
    for (const model of missing) {
      lines.push(`  ${model.label} -> ${model.path}`);
      if (model.url) lines.push(`      upstream: ${model.url}`);
    }
    lines.push(
      'Provide them in one of these ways:',
      '  - fetch the upstream files on a machine with internet access, put them in one folder and run',
      '      npm run models -- --from /that/folder',
      '    (upstream names, a models/ layout like whisper/ vad/ segmentation/ embedding/, and SHA256SUMS are understood)',
      '  - or copy each file to the path shown after "->"',
      '  - or serve the upstream files from an internal mirror and set MODELS_MIRROR=<its base URL>',
    );
    super(lines.join('\n'));
  }
}
