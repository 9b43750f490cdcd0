export {
  DEFAULT_MODEL_NAMES,
  installedPath,
  MODEL_KINDS,
  modelCatalogue,
  resolveModels,
  upstreamFileName,
  type CatalogueOptions,
  type ModelKind,
  type ModelSpec,
} from './catalogue';
export { hashFile, parseSha256Sums, type Checksum } from './checksum';
export {
  ChecksumMismatchError,
  DownloadError,
  InstallAbortedError,
  ModelDerivationError,
  ModelInstallError,
  UnknownModelError,
} from './errors';
export { MissingModelsError, type MissingModel } from './missing-models-error';
export { openUrl, type OpenedDownload, type OpenUrlOptions } from './http-download';
export { writeVerifiedFile, type VerifiedWriteOptions } from './verified-file';
export { extractArchiveMember } from './archive';
export { downloadModels, type DownloadOptions } from './download-models';
export { addDerivedModels, FLOAT_SINCNET_SEGMENTATION_FILE, INT8_SEGMENTATION_FILE } from './derived-models';
export {
  deriveFloatSincnetGraph,
  FLOAT_SINCNET_DERIVATION,
  recordedDerivation,
  sincnetTimeAxis,
} from './derive-segmentation';
export { installFromDirectory, type DirectoryInstallOptions } from './install-from-directory';
export type {
  InstallCallbacks,
  InstalledModel,
  InstallReport,
  TransferProgress,
  Verification,
} from './progress';
