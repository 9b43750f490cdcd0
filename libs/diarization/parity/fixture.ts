import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalEmbeddings } from '../embeddings';
import { parseRttm } from '../scoring';
import type { ScoredTurn } from '../scoring';
import type { LocalSegmentation } from '../segmentation';

/** What pyannote community-1 computed on one recording, stage by stage (shared/fixtures/parity/NN_*). */
export interface ParityFixture {
  name: string;
  /** pyannote's binarized segmentation on its own frame grid. */
  segmentation: LocalSegmentation;
  /** Raw embedding of every (window, local speaker); all valid. */
  embeddings: LocalEmbeddings;
  trainChunk: Int32Array;
  trainSpeaker: Int32Array;
  /** [n, 128] each. */
  postXvec: Float64Array;
  postPlda: Float64Array;
  phi: Float64Array;
  threshold: number;
  ahcLabels: Int32Array;
  fa: number;
  fb: number;
  maxIters: number;
  /** [n, qSpeakers] row-major. */
  qFinal: Float64Array;
  spFinal: Float64Array;
  /** Clustering output per (window * 3 + local speaker); -2 where none. */
  hardClusters: Int32Array;
  count: Uint8Array;
  /** [frames, columns] binary. */
  discreteDiarization: Uint8Array;
  discreteColumns: number;
  /** pyannote's final output (its answer, not a human reference). */
  output: ScoredTurn[];
  /** The recording, where the folder holds it (clip_16k.wav). */
  audioPath: string | null;
  /** sha256 of the recording pyannote ran on (manifest.json), when recorded. */
  clipSha256: string | null;
}

interface StoredArray {
  dtype: string;
  shape: number[];
  data: number[];
}

const INTERMEDIATES = 'pyannote-intermediates.json';
const OUTPUT_RTTM = 'pyannote-output.rttm';

/** Reads a parity folder (parsing its intermediates once: the 16-minute one is 30 MB). */
export function readParityFixture(dir: string): ParityFixture {
  const file = path.join(dir, INTERMEDIATES);
  const arrays = JSON.parse(readFileSync(file, 'utf8')) as Record<string, StoredArray>;
  const get = (name: string): StoredArray => {
    const array = arrays[name];
    if (!array || !Array.isArray(array.data) || !Array.isArray(array.shape)) {
      throw new Error(`${file}: no array "${name}"`);
    }
    return array;
  };
  const scalar = (name: string): number => Number(get(name).data[0]);
  const [numChunks, framesPerChunk, numLocalSpeakers] = get('segmentations').shape;
  const chunkStep = scalar('chunk_step');
  const chunkDuration = scalar('chunk_duration');
  const frameStep = scalar('frame_step');
  const frameDuration = scalar('frame_duration');
  const sampleRate = 16000;
  // pyannote's frame grid: window c starts at its closest frame, and the grid runs to the frame
  // closest to the end of the last window.
  const chunkStartFrames = Int32Array.from({ length: numChunks }, (_, c) =>
    roundHalfEven((c * chunkStep) / frameStep),
  );
  const numFrames = roundHalfEven((chunkDuration + (numChunks - 1) * chunkStep) / frameStep) + 1;
  const segmentation: LocalSegmentation = {
    numChunks,
    framesPerChunk,
    numLocalSpeakers,
    activity: Uint8Array.from(get('segmentations').data, (v) => (v > 0.5 ? 1 : 0)),
    chunkStartFrames,
    numFrames,
    frames: { step: frameStep, duration: frameDuration },
    windowSamples: Math.round(chunkDuration * sampleRate),
    stepSamples: Math.round(chunkStep * sampleRate),
  };
  const embeddingArray = get('embeddings');
  const vectors = Float32Array.from(embeddingArray.data);
  const dimension = embeddingArray.shape[2];
  const valid = new Uint8Array(numChunks * numLocalSpeakers);
  for (let p = 0; p < valid.length; p++) {
    valid[p] = vectors.subarray(p * dimension, (p + 1) * dimension).every(Number.isFinite) ? 1 : 0;
  }
  const discrete = get('discrete_diarization');
  const audio = path.join(dir, 'clip_16k.wav');
  return {
    name: path.basename(path.resolve(dir)),
    segmentation,
    embeddings: { dimension, vectors, valid },
    trainChunk: Int32Array.from(get('train_chunk_idx').data),
    trainSpeaker: Int32Array.from(get('train_speaker_idx').data),
    postXvec: Float64Array.from(get('post_xvec').data),
    postPlda: Float64Array.from(get('post_plda').data),
    phi: Float64Array.from(get('phi').data),
    threshold: scalar('threshold'),
    ahcLabels: Int32Array.from(get('ahc_init_labels').data),
    fa: scalar('fa'),
    fb: scalar('fb'),
    maxIters: scalar('max_iters'),
    qFinal: Float64Array.from(get('q_final').data),
    spFinal: Float64Array.from(get('sp_final').data),
    hardClusters: Int32Array.from(get('hard_clusters').data),
    count: Uint8Array.from(get('count').data),
    discreteDiarization: Uint8Array.from(discrete.data, (v) => (v > 0.5 ? 1 : 0)),
    discreteColumns: discrete.shape[1],
    output: parseRttm(readFileSync(path.join(dir, OUTPUT_RTTM), 'utf8')),
    audioPath: existsSync(audio) ? audio : null,
    clipSha256: readClipSha256(path.join(dir, 'manifest.json')),
  };
}

/** Whether `dir` looks like a parity folder. */
export function isParityFolder(dir: string): boolean {
  return existsSync(path.join(dir, INTERMEDIATES)) && existsSync(path.join(dir, OUTPUT_RTTM));
}

function readClipSha256(manifest: string): string | null {
  if (!existsSync(manifest)) return null;
  const value = (JSON.parse(readFileSync(manifest, 'utf8')) as { clip_sha256?: unknown }).clip_sha256;
  return typeof value === 'string' ? value : null;
}

/** numpy's rint: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}
