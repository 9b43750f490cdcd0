/**
 * The library against whisper.cpp's own whisper-cli, built from the same tree by the same build
 * (npm run build:native -- --with-cli), on a 10-minute file, with the same model, threads and
 * decoding parameters (greedy, best of 5, temperature 0 + 0.2 fallback, no-speech 0.6, token
 * timestamps). Target: library time / whisper-cli time <= 1.03.
 *   node dist/bench/speech-vs-cli.js [--minutes 10] [--threads N] [--runs 1]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeWavFile } from '../libs/audio';
import { WhisperModel } from '../libs/speech';
import { argument, benchModels, repoRoot, requireFiles, speechAudio, timed } from './speech-support';

const CLI = process.env.WHISPER_CLI ?? path.join(repoRoot, 'native', 'build', 'bin', 'whisper-cli');

interface CliRun {
  wallSeconds: number;
  loadSeconds: number;
  totalSeconds: number;
}

function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(CLI, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const load = /load time =\s*([\d.]+) ms/.exec(stderr);
      const total = /total time =\s*([\d.]+) ms/.exec(stderr);
      if (code !== 0 || !load || !total) {
        reject(new Error(`whisper-cli failed (${code}): ${stderr.slice(-2000)}`));
        return;
      }
      resolve({ wallSeconds, loadSeconds: Number(load[1]) / 1000, totalSeconds: Number(total[1]) / 1000 });
    });
  });
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const minutes = argument('minutes', 10);
  const threads = argument('threads', Math.min(4, os.availableParallelism()));
  const runs = argument('runs', 1);
  requireFiles(benchModels.whisper, CLI);

  const work = mkdtempSync(path.join(os.tmpdir(), 'speech-bench-'));
  try {
    const samples = speechAudio(minutes * 60);
    const wav = path.join(work, 'speech.wav');
    writeWavFile(wav, samples); // 16-bit, as whisper-cli reads it; the library gets the same samples
    const cliArgs = [
      ...['-m', benchModels.whisper, '-f', wav, '-t', String(threads), '-l', 'en'],
      ...['-bs', '1', '-bo', '5', '-tp', '0', '-tpi', '0.2', '-nth', '0.6'],
      ...['-ojf', '-of', path.join(work, 'cli-out')], // token timestamps, as the library computes words
    ];
    const fromWav = Float32Array.from(
      samples,
      (s) => Math.round(Math.max(-1, Math.min(1, s)) * 32767) / 32768,
    );

    const loaded = await timed(() => WhisperModel.load({ modelPath: benchModels.whisper }));
    const model = loaded.value;
    const library: number[] = [];
    const cli: CliRun[] = [];
    try {
      for (let run = 0; run < runs; run++) {
        cli.push(await runCli(cliArgs));
        const transcribed = await timed(() =>
          model.transcribe(fromWav, {
            language: 'en',
            threads,
            temperature: 0,
            temperatureIncrement: 0.2,
            noSpeechThreshold: 0.6,
          }),
        );
        library.push(transcribed.seconds);
        const last = cli[cli.length - 1];
        console.log(
          `run ${run + 1}: library ${transcribed.seconds.toFixed(2)} s; whisper-cli ${(last.totalSeconds - last.loadSeconds).toFixed(2)} s ` +
            `processing (${last.wallSeconds.toFixed(2)} s wall incl. ${last.loadSeconds.toFixed(2)} s load)`,
        );
      }
    } finally {
      await model.close();
    }

    const libraryTime = median(library);
    const cliProcessing = median(cli.map((run) => run.totalSeconds - run.loadSeconds));
    const cliWall = median(cli.map((run) => run.wallSeconds));
    const ratio = libraryTime / cliProcessing;
    const wallRatio = (libraryTime + loaded.seconds) / cliWall;
    console.log(
      `audio ${minutes} min, model ${path.basename(benchModels.whisper)}, ${threads} threads, ${runs} run(s)`,
    );
    console.log(
      `library transcribe: ${libraryTime.toFixed(2)} s (model load ${loaded.seconds.toFixed(2)} s, once per worker)`,
    );
    console.log(
      `whisper-cli:        ${cliProcessing.toFixed(2)} s after its model load, ${cliWall.toFixed(2)} s wall`,
    );
    console.log(
      `ratio library / whisper-cli: ${ratio.toFixed(3)} (target <= 1.03); load+transcribe vs wall: ${wallRatio.toFixed(3)}`,
    );
    console.log(
      JSON.stringify({
        bench: 'speech-vs-cli',
        minutes,
        threads,
        runs,
        librarySeconds: libraryTime,
        cliSeconds: cliProcessing,
        cliWallSeconds: cliWall,
        ratio,
        wallRatio,
        target: 1.03,
        pass: ratio <= 1.03,
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
