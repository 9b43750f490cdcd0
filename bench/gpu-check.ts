/**
 * GPU against CPU on the same audio, in one process: Whisper (the loaded addon, useGpu on and off) and
 * diarization (ONNX Runtime's CUDA execution provider and its CPU one). Prints both timings and whether the
 * outputs agree. Run by scripts/gpu-check.sh after it built the CUDA addon; by hand:
 *   npm run -s build:test && SPEECH_ADDON_PATH=native/build-cuda/Release/whisper_addon.node \
 *     node dist/bench/gpu-check.js [--seconds 600] [--whisper-model FILE] [--threads N]
 * The audio is the shared recordings looped (SHARED_DIR). With the dummy Whisper models of ../shared the
 * decoder writes no text, so "agree" then only says that both sides wrote none; the timing still is the
 * encoder's and decoder's real cost.
 */
import os from 'node:os';
import { computeDer, Diarizer, type Diarization } from '../libs/diarization';
import { gpuFallbackReason, speechRuntimeInfo, WhisperModel, type Transcription } from '../libs/speech';
import { installedSegmentationModel } from '../test/support/shared-files';
import { argument, benchModels, requireFiles, speechAudio, timed } from './speech-support';

type Side = 'gpu' | 'cpu';
interface Run<T> {
  side: Side;
  seconds: number | null;
  value: T | null;
  /** Why this side did not run where it should have, or ran somewhere else than asked. */
  note: string | null;
}

function textOf(transcription: Transcription): string {
  return transcription.segments.map((segment) => segment.text.trim()).join(' ');
}

async function transcribeOn(side: Side, modelPath: string, audio: Float32Array, threads: number) {
  const useGpu = side === 'gpu';
  const note = gpuFallbackReason({ useGpu, gpuDevice: 0 });
  if (useGpu && note) return { side, seconds: null, value: null, note } satisfies Run<Transcription>;
  const model = await WhisperModel.load({ modelPath, useGpu });
  try {
    await model.transcribe(audio.subarray(0, 16000 * 5), { threads, language: 'en' }); // warm-up
    const run = await timed(() => model.transcribe(audio, { threads, language: 'en' }));
    return { side, seconds: run.seconds, value: run.value, note: null } satisfies Run<Transcription>;
  } finally {
    await model.close();
  }
}

async function diarizeOn(side: Side, audio: Float32Array, threads: number): Promise<Run<Diarization>> {
  let diarizer: Diarizer;
  try {
    diarizer = await Diarizer.create({
      segmentationModelPath: installedSegmentationModel(),
      executionProvider: side === 'gpu' ? 'cuda' : 'cpu',
      threads: side === 'gpu' ? 1 : threads,
    });
  } catch (error) {
    return { side, seconds: null, value: null, note: error instanceof Error ? error.message : String(error) };
  }
  try {
    const run = await timed(() => diarizer.diarize(audio));
    return { side, seconds: run.seconds, value: run.value, note: null };
  } finally {
    await diarizer.close();
  }
}

function describe<T>(name: string, runs: Run<T>[], agreement: string | null): void {
  for (const run of runs) {
    const timing = run.seconds === null ? 'did not run' : `${run.seconds.toFixed(2)} s`;
    console.log(`${name} on ${run.side.toUpperCase()}: ${timing}${run.note ? ` (${run.note})` : ''}`);
  }
  const [gpu, cpu] = runs;
  if (gpu.seconds !== null && cpu.seconds !== null) {
    console.log(`${name}: GPU ${(cpu.seconds / gpu.seconds).toFixed(1)}x faster than CPU; ${agreement}`);
  }
}

async function main(): Promise<void> {
  const seconds = argument('seconds', 600);
  const threads = argument('threads', Math.min(8, os.availableParallelism()));
  const modelIndex = process.argv.indexOf('--whisper-model');
  const whisperModel = modelIndex >= 0 ? process.argv[modelIndex + 1] : benchModels.whisper;
  requireFiles(whisperModel, installedSegmentationModel());
  const audio = speechAudio(seconds);
  const info = speechRuntimeInfo();
  console.log(
    `whisper.cpp ${info.whisperVersion}; devices: ${info.devices.map((d) => d.description).join(', ')}`,
  );
  console.log(`${seconds} s of audio, ${threads} CPU threads`);

  const speech = [
    await transcribeOn('gpu', whisperModel, audio, threads),
    await transcribeOn('cpu', whisperModel, audio, threads),
  ];
  let speechAgreement: string | null = null;
  if (speech[0].value && speech[1].value) {
    const [gpuText, cpuText] = [textOf(speech[0].value), textOf(speech[1].value)];
    speechAgreement =
      gpuText === cpuText
        ? `same text (${gpuText.length} characters, ${speech[0].value.segments.length} segments)`
        : `texts differ (${gpuText.length} vs ${cpuText.length} characters)`;
  }
  describe('transcription', speech, speechAgreement);

  const diarization = [await diarizeOn('gpu', audio, threads), await diarizeOn('cpu', audio, threads)];
  let diarizationAgreement: string | null = null;
  if (diarization[0].value && diarization[1].value) {
    const der = computeDer(diarization[1].value.turns, diarization[0].value.turns);
    diarizationAgreement =
      `GPU turns scored against CPU turns: DER ${(der.der * 100).toFixed(2)} %; speakers ` +
      `${diarization[0].value.speakerCount} vs ${diarization[1].value.speakerCount}`;
  }
  describe('diarization', diarization, diarizationAgreement);

  const summary = (runs: Run<unknown>[]) =>
    Object.fromEntries(runs.map((run) => [run.side, { seconds: run.seconds, note: run.note }]));
  console.log(
    JSON.stringify({
      bench: 'gpu-check',
      audioSeconds: seconds,
      transcription: { ...summary(speech), agreement: speechAgreement },
      diarization: { ...summary(diarization), agreement: diarizationAgreement },
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
