/** Base class of the model installer's errors; `message` is one line meant for a person. */
export class ModelInstallError extends Error {
  override name = 'ModelInstallError';
}

export class UnknownModelError extends ModelInstallError {
  override name = 'UnknownModelError';
  constructor(
    readonly modelName: string,
    known: readonly string[],
  ) {
    super(`unknown model "${modelName}"; known models: ${known.join(', ')}`);
  }
}

/** The bytes arrived but are not the published file; nothing was installed. */
export class ChecksumMismatchError extends ModelInstallError {
  override name = 'ChecksumMismatchError';
  constructor(
    readonly file: string,
    readonly algorithm: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${file}: ${algorithm} is ${actual}, expected ${expected}; the file was not installed`);
  }
}

/**
 * A download that failed. `unreachable` marks failures to reach the host at all (no DNS, refused,
 * timed out connecting): then every later download would fail the same way, so the installer stops at once.
 */
export class DownloadError extends ModelInstallError {
  override name = 'DownloadError';
  constructor(
    message: string,
    readonly url: string,
    readonly unreachable: boolean,
  ) {
    super(message);
  }
}

/** Ctrl-C or an aborted signal; any partial file has been removed. */
export class InstallAbortedError extends ModelInstallError {
  override name = 'InstallAbortedError';
  constructor() {
    super('installation interrupted; partial files were removed');
  }
}

/** A model file that is not the graph a derivation expects; nothing was written. */
export class ModelDerivationError extends ModelInstallError {
  override name = 'ModelDerivationError';
}
