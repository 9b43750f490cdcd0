/**
 * Job time with diarization one after transcription vs alongside it (DIARIZE_ALONGSIDE), on the
 * worker-rss bench's file (real speech looped to an hour), through the pipeline the worker runs
 * (decode, VAD + whisper.cpp, segmentation + linking, combining), in one process. Four settings:
 * this machine's 2 cores one after the other (what `auto` picks here) and side by side (`on`), and
 * the threads planStageSchedule gives a 4-core box, one after the other (4 + 4, each stage alone
 * on the cores) and side by side (`auto` there: Whisper 3 + diarization 1). On fewer than 4 real
 * cores the 4-core rows only show the cost of the split, not the gain.
 * Settings run round robin (--repeats) and each is reported by its median run. `--only gpu` adds Whisper
 * on the GPU (a CUDA build of the addon) one after the other and side by side (`auto` there), on this
 * machine's cores. `--wav` reads the file without ffmpeg (a GPU box may have none).
 *   node dist/bench/diarize-alongside.js [--minutes 60] [--repeats 1] [--only 2-cores,4-cores,gpu] [--wav]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ffmpegAudioDecoder, readWavFile, writeWavFile } from '../libs/audio';
import { Diarizer } from '../libs/diarization';
import {
  type AudioDecoder,
  planStageSchedule,
  type DiarizeAlongsideMode,
  type PipelineStage,
  type Transcript,
  transcribeWhoSaidWhat,
} from '../libs/pipeline';
import { WhisperModel } from '../libs/speech';
import { argument, benchFiles, requireFiles } from './api-support';
import { speechAudio } from './speech-support';

interface Setting {
  label: string;
  box: '2-cores' | '4-cores' | 'gpu';
  mode: DiarizeAlongsideMode;
  cores: number;
  whisperOnGpu?: boolean;
}

const SETTINGS: Setting[] = [
  { label: '2 cores, one after the other (auto)', box: '2-cores', mode: 'off', cores: 2 },
  { label: '2 cores, side by side (on)', box: '2-cores', mode: 'on', cores: 2 },
  { label: '4-core threads, one after the other', box: '4-cores', mode: 'off', cores: 4 },
  { label: '4-core threads, side by side (auto)', box: '4-cores', mode: 'auto', cores: 4 },
  {
    label: 'Whisper on GPU, one after the other',
    box: 'gpu',
    mode: 'off',
    cores: os.availableParallelism(),
    whisperOnGpu: true,
  },
  {
    label: 'Whisper on GPU, side by side (auto)',
    box: 'gpu',
    mode: 'auto',
    cores: os.availableParallelism(),
    whisperOnGpu: true,
  },
];

/** The WAV the bench wrote, read without ffmpeg (--wav). */
const wavDecoder: AudioDecoder = {
  decode: (filePath) =>
    Promise.resolve({ samples: readWavFile(filePath).samples, declaredSeconds: null, warnings: [] }),
};

interface Measured {
  setting: Setting;
  whisperThreads: number;
  diarizationThreads: number;
  diarizeAlongside: boolean;
  seconds: number;
  /** Seconds from the job's start to each stage's first report. */
  stageStarts: Partial<Record<PipelineStage, number>>;
  transcript: Transcript;
}

async function runOnce(
  models: { cpu: WhisperModel; gpu: WhisperModel | null },
  wav: string,
  setting: Setting,
  decoder: AudioDecoder,
): Promise<Measured> {
  const model = (setting.whisperOnGpu ? models.gpu : models.cpu) as WhisperModel;
  const schedule = planStageSchedule(setting.mode, {
    cores: setting.cores,
    jobs: 1,
    whisperOnGpu: setting.whisperOnGpu === true,
    diarizationOnGpu: false,
  });
  const diarizer = await Diarizer.create({
    segmentationModelPath: benchFiles.segmentation,
    threads: schedule.diarizationThreads,
  });
  try {
    const stageStarts: Measured['stageStarts'] = {};
    const started = performance.now();
    const transcript = await transcribeWhoSaidWhat(
      { filePath: wav },
      {
        decoder,
        speech: {
          transcribe: (samples, request) =>
            model.transcribe(samples, {
              ...request,
              threads: schedule.whisperThreads,
              vad: { modelPath: benchFiles.vad },
              wordTimestamps: true,
            }),
        },
        diarization: diarizer,
      },
      {
        language: 'en',
        speakers: { numSpeakers: 2 },
        diarizeAlongside: schedule.diarizeAlongside,
        // As the worker does: one after the other, the PCM waits on disk while Whisper runs.
        parkSamplesIn: path.dirname(wav),
      },
      {
        onProgress: (stage) => {
          stageStarts[stage] ??= (performance.now() - started) / 1000;
        },
      },
    );
    return { setting, ...schedule, seconds: (performance.now() - started) / 1000, stageStarts, transcript };
  } finally {
    await diarizer.close();
  }
}

async function main(): Promise<void> {
  const minutes = argument('minutes', 60);
  const repeats = argument('repeats', 1);
  const onlyIndex = process.argv.indexOf('--only');
  const boxes = onlyIndex >= 0 ? process.argv[onlyIndex + 1].split(',') : ['2-cores', '4-cores'];
  const settings = SETTINGS.filter((s) => boxes.includes(s.box));
  requireFiles(benchFiles.whisper, benchFiles.vad, benchFiles.segmentation);
  const work = mkdtempSync(path.join(os.tmpdir(), 'diarize-alongside-'));
  const wav = path.join(work, 'long.wav');
  writeWavFile(wav, speechAudio(minutes * 60));
  const decoder = process.argv.includes('--wav') ? wavDecoder : ffmpegAudioDecoder;
  const models = {
    cpu: await WhisperModel.load({ modelPath: benchFiles.whisper, useGpu: false }),
    gpu: boxes.includes('gpu')
      ? await WhisperModel.load({ modelPath: benchFiles.whisper, useGpu: true })
      : null,
  };
  const runs: Measured[] = [];
  try {
    console.log(`${minutes} min of speech; this machine has ${os.availableParallelism()} cores`);
    // Round robin, so that a change in the machine's load falls on every setting alike.
    for (let round = 0; round < repeats; round++) {
      for (const setting of settings) {
        const measured = await runOnce(models, wav, setting, decoder);
        runs.push(measured);
        const at = (stage: PipelineStage): string => measured.stageStarts[stage]?.toFixed(1) ?? '-';
        console.log(
          `${setting.label.padEnd(40)} Whisper ${measured.whisperThreads} + diarization ` +
            `${measured.diarizationThreads} threads: ${measured.seconds.toFixed(1)} s ` +
            `(transcribing from ${at('transcribing')} s, diarizing ${at('diarizing')} s, ` +
            `combining ${at('combining')} s)`,
        );
      }
    }
  } finally {
    await models.cpu.close();
    await models.gpu?.close();
    rmSync(work, { recursive: true, force: true });
  }
  // Each setting's median run.
  const results = settings.map((setting) => {
    const mine = runs.filter((r) => r.setting === setting).sort((a, b) => a.seconds - b.seconds);
    return mine[Math.floor((mine.length - 1) / 2)];
  });
  for (const measured of results) {
    const reference = results.find((r) => r.setting.box === measured.setting.box) as Measured;
    console.log(
      `median ${measured.setting.label.padEnd(40)} ${measured.seconds.toFixed(1)} s` +
        (measured === reference
          ? ''
          : `, x${(measured.seconds / reference.seconds).toFixed(2)} of one after the other`),
    );
  }
  const row = (box: string, alongside: boolean): Measured | undefined =>
    results.find((r) => r.setting.box === box && r.diarizeAlongside === alongside);
  const ratio = (box: string): number | null => {
    const sequential = row(box, false);
    const overlapped = row(box, true);
    return sequential && overlapped ? overlapped.seconds / sequential.seconds : null;
  };
  const identical = runs.every((r) => {
    const reference = row(r.setting.box, false);
    return !reference || JSON.stringify(r.transcript) === JSON.stringify(reference.transcript);
  });
  // One machine-readable line last, for bench/run-all.ts.
  console.log(
    JSON.stringify({
      bench: 'diarize-alongside',
      minutes,
      repeats,
      cores: os.availableParallelism(),
      rows: results.map((r) => ({
        setting: r.setting.label,
        whisperThreads: r.whisperThreads,
        diarizationThreads: r.diarizationThreads,
        diarizeAlongside: r.diarizeAlongside,
        seconds: r.seconds,
        stageStarts: r.stageStarts,
      })),
      alongsideOverSequential2Cores: ratio('2-cores'),
      alongsideOverSequential4CoreThreads: ratio('4-cores'),
      alongsideOverSequentialGpu: ratio('gpu'),
      identical,
      pass: identical,
    }),
  );
  if (!identical) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
