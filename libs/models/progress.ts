/** Progress of one file: downloading, copying from a local folder, or extracting from an archive. */
export interface TransferProgress {
  /** The model name, or the relative path of a file installed from a folder. */
  label: string;
  phase: 'download' | 'copy' | 'extract';
  bytes: number;
  totalBytes: number | null;
}

/** How an installed file was checked; `derived`: made at install time from another installed file. */
export type Verification = 'checksum' | 'sha256sums' | 'unverified' | 'derived';

export interface InstalledModel {
  label: string;
  kind: string | null;
  path: string;
  /** `present`: already there and intact, nothing was written. */
  action: 'installed' | 'present';
  verification: Verification;
  /** For a derived file: the installed file it was made from. */
  derivedFrom?: string;
  /** Of the installed file, so that an unverified one can be recorded and checked later. */
  sha256: string;
}

export interface InstallReport {
  installed: InstalledModel[];
  failed: { label: string; error: Error }[];
}

export interface InstallCallbacks {
  signal?: AbortSignal;
  onProgress?: (progress: TransferProgress) => void;
  /** Called as each file is done, so a CLI can print it at once. */
  onInstalled?: (model: InstalledModel) => void;
}
