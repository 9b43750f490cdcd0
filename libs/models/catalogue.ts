import path from 'node:path';
import type { Checksum } from './checksum';
import { UnknownModelError } from './errors';

export type ModelKind = 'whisper' | 'vad' | 'segmentation' | 'embedding';
export const MODEL_KINDS: readonly ModelKind[] = ['whisper', 'vad', 'segmentation', 'embedding'];

export interface ModelSpec {
  name: string;
  kind: ModelKind;
  description: string;
  /** Installed as `<models dir>/<kind>/<fileName>`, the layout of ../shared/models. */
  fileName: string;
  url: string;
  /** Of the installed file; null where upstream publishes none that could be recorded here. */
  checksum: Checksum | null;
  /** Set when `url` is a tar archive: the member that is the model. */
  archiveMember?: string;
  /** Approximate download size, for `models list`. */
  size: string;
}

export interface CatalogueOptions {
  /**
   * A base URL that serves the upstream files under their upstream names (an internal mirror, or a test
   * server): every URL becomes `<mirror>/<upstream file name>`.
   */
  mirror?: string;
}

const WHISPER_CPP = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main';
const WHISPER_VAD = 'https://huggingface.co/ggml-org/whisper-vad/resolve/main';
// sherpa-onnx's release tag really is spelled "recongition".
const SHERPA_EMBEDDING = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/speaker-recongition-models';
// pyannote's own WeSpeaker export (inputs fbank + weights), as packed into one file by the dia project;
// pinned to a revision, its SHA-256 as that project publishes it.
const PYANNOTE_WESPEAKER =
  'https://huggingface.co/FinDIT-Studio/dia-models/resolve/38168b544a562dec24d49e63786c16e80782eeaf/wespeaker_resnet34_lm.onnx';
const SHERPA_SEGMENTATION =
  'https://github.com/k2-fsa/sherpa-onnx/releases/download/speaker-segmentation-models';

// Sizes and SHA-1s as published in whisper.cpp's models/README.md (upstream publishes no SHA-256).
const WHISPER_MODELS: [name: string, size: string, sha1: string][] = [
  ['tiny', '75 MiB', 'bd577a113a864445d4c299885e0cb97d4ba92b5f'],
  ['tiny.en', '75 MiB', 'c78c86eb1a8faa21b369bcd33207cc90d64ae9df'],
  ['base', '142 MiB', '465707469ff3a37a2b9b8d8f89f2f99de7299dac'],
  ['base.en', '142 MiB', '137c40403d78fd54d454da0f9bd998f78703390c'],
  ['small', '466 MiB', '55356645c2b361a969dfd0ef2c5a50d530afd8d5'],
  ['small.en', '466 MiB', 'db8a495a91d927739e50b3fc1cc4c6b8f6c2d022'],
  ['medium', '1.5 GiB', 'fd9727b6e1217c2f614f9b698455c4ffd82463b4'],
  ['medium.en', '1.5 GiB', '8c30f0e44ce9560643ebd10bbe50cd20eafd3723'],
  ['large-v2', '2.9 GiB', '0f4c8e34f21cf1a914c59d8b3ce882345ad349d6'],
  ['large-v3', '2.9 GiB', 'ad82bf6a9043ceed055076d0fd39f5f186ff8062'],
  ['large-v3-q5_0', '1.1 GiB', 'e6e2ed78495d403bef4b7cff42ef4aaadcfea8de'],
  ['large-v3-turbo', '1.5 GiB', '4af2b29d7ec73d781377bfd1758ca957a807e941'],
  ['large-v3-turbo-q5_0', '547 MiB', 'e050f7970618a659205450ad97eb95a18d69c9ee'],
];

function upstreamCatalogue(): ModelSpec[] {
  const whisper = WHISPER_MODELS.map(([name, size, sha1]): ModelSpec => ({
    name,
    kind: 'whisper',
    description: `Whisper ${name} (whisper.cpp ggml${name.endsWith('.en') ? ', English only' : ''})`,
    fileName: `ggml-${name}.bin`,
    url: `${WHISPER_CPP}/ggml-${name}.bin`,
    checksum: { algorithm: 'sha1', hex: sha1 },
    size,
  }));
  return [
    ...whisper,
    ...['silero-v6.2.0', 'silero-v5.1.2'].map((name): ModelSpec => ({
      name,
      kind: 'vad',
      description: `Silero VAD ${name.slice('silero-'.length)} for whisper.cpp's built-in VAD (ggml)`,
      fileName: `ggml-${name}.bin`,
      url: `${WHISPER_VAD}/ggml-${name}.bin`,
      checksum: null,
      size: '0.9 MiB',
    })),
    {
      name: 'pyannote-segmentation-3.0',
      kind: 'segmentation',
      description:
        'pyannote segmentation-3.0, int8 ONNX export by sherpa-onnx (MIT); installs beside it a graph derived from it with its SincNet filterbank in float',
      fileName: 'pyannote-segmentation-3.0.int8.onnx',
      url: `${SHERPA_SEGMENTATION}/sherpa-onnx-pyannote-segmentation-3-0.tar.bz2`,
      archiveMember: 'sherpa-onnx-pyannote-segmentation-3-0/model.int8.onnx',
      // The same export as ../shared/models/segmentation (its SHA256SUMS).
      checksum: {
        algorithm: 'sha256',
        hex: 'd582f4b4c6b48205de7e0643c57df0df5615a3c176189be3fc461e9d18827b5d',
      },
      size: '~7 MiB archive',
    },
    {
      name: 'pyannote-segmentation-3.0-fp32',
      kind: 'segmentation',
      description: 'pyannote segmentation-3.0, float32 ONNX export by sherpa-onnx (MIT)',
      fileName: 'pyannote-segmentation-3.0.onnx',
      url: `${SHERPA_SEGMENTATION}/sherpa-onnx-pyannote-segmentation-3-0.tar.bz2`,
      archiveMember: 'sherpa-onnx-pyannote-segmentation-3-0/model.onnx',
      checksum: null,
      size: '~7 MiB archive',
    },
    {
      name: 'wespeaker-resnet34-lm-pyannote',
      kind: 'embedding',
      description:
        "WeSpeaker ResNet34-LM as pyannote community-1 runs it: pyannote's export, fbank + per-frame weights in " +
        '(masked pooling), the embeddings its PLDA expects (CC BY 4.0)',
      // Sorts before sherpa-onnx's file names, so model discovery takes it where both are installed.
      fileName: 'wespeaker-resnet34-lm-pyannote.onnx',
      url: PYANNOTE_WESPEAKER,
      checksum: {
        algorithm: 'sha256',
        hex: '4c15c6be4235318d092c9d347e00c68ba476136d6172f675f76ad6b0c2661f01',
      },
      size: '26 MiB',
    },
    ...[
      [
        'wespeaker-resnet34-lm',
        'wespeaker_en_voxceleb_resnet34_LM.onnx',
        'WeSpeaker ResNet34-LM (VoxCeleb), as pyannote 3.1 uses',
      ],
      ['wespeaker-resnet34', 'wespeaker_en_voxceleb_resnet34.onnx', 'WeSpeaker ResNet34 (VoxCeleb)'],
      [
        '3dspeaker-campplus-en',
        '3dspeaker_speech_campplus_sv_en_voxceleb_16k.onnx',
        '3D-Speaker CAM++ (VoxCeleb)',
      ],
    ].map(([name, fileName, description]): ModelSpec => ({
      name,
      kind: 'embedding',
      description: `${description}, sherpa-onnx export: features in only, each speaker's frames selected (CC BY 4.0 / Apache-2.0)`,
      fileName,
      url: `${SHERPA_EMBEDDING}/${fileName}`,
      checksum: null,
      size: name.startsWith('wespeaker') ? '26 MiB' : '28 MiB',
    })),
  ];
}

/** The file name at the end of a spec's URL (a tar archive for archived models). */
export function upstreamFileName(spec: Pick<ModelSpec, 'url'>): string {
  return decodeURIComponent(new URL(spec.url).pathname.split('/').pop() ?? '');
}

export function modelCatalogue(options: CatalogueOptions = {}): ModelSpec[] {
  const specs = upstreamCatalogue();
  if (!options.mirror) return specs;
  const base = options.mirror.replace(/\/+$/, '');
  return specs.map((spec) => ({ ...spec, url: `${base}/${encodeURIComponent(upstreamFileName(spec))}` }));
}

/** What `npm run models` installs when no model is named: one of each kind, as a real deployment uses. */
export const DEFAULT_MODEL_NAMES = [
  'base',
  'silero-v6.2.0',
  'pyannote-segmentation-3.0',
  'wespeaker-resnet34-lm-pyannote',
];

/** Short names for the default model of a kind. */
const ALIASES: Record<string, string> = {
  vad: 'silero-v6.2.0',
  segmentation: 'pyannote-segmentation-3.0',
  embedding: 'wespeaker-resnet34-lm-pyannote',
};

/** Specs for the given names (or the defaults), in order, without duplicates; UnknownModelError otherwise. */
export function resolveModels(names: readonly string[], catalogue: readonly ModelSpec[]): ModelSpec[] {
  const wanted = names.length > 0 ? names : DEFAULT_MODEL_NAMES;
  const specs: ModelSpec[] = [];
  for (const requested of wanted) {
    const name = ALIASES[requested] ?? requested.replace(/^ggml-/, '').replace(/\.bin$/, '');
    const spec = catalogue.find((candidate) => candidate.name === name);
    if (!spec)
      throw new UnknownModelError(
        requested,
        catalogue.map((candidate) => candidate.name),
      );
    if (!specs.includes(spec)) specs.push(spec);
  }
  return specs;
}

export function installedPath(modelsDir: string, spec: Pick<ModelSpec, 'kind' | 'fileName'>): string {
  return path.join(modelsDir, spec.kind, spec.fileName);
}
