/**
 * End-to-end time of one 30 s file through HTTP and the queue (POST, worker, GET until completed)
 * divided by the same work as a direct library call (decode, transcribe, diarize, combine) in this
 * process. Target <= 1.10.
 * The client learns of completion with GET /result?wait=30, answered as soon as the result is
 * stored. `--poll-ms N` polls every N ms instead, as a plain client does: that adds up to N ms of
 * latency, and on a 2-core machine the CPU of client and server answering ~1000/N polls a second
 * (about 3 ms each at 20 ms) slows the job itself, whose Whisper threads use both cores.
 *   node dist/bench/api-e2e.js [--runs 5] [--threads 2] [--poll-ms 20]
 */
import { readFileSync } from 'node:fs';
import { decodeToPcm } from '../libs/audio';
import { assignSpeakers, Diarizer, groupUtterances } from '../libs/diarization';
import { WhisperModel } from '../libs/speech';
import { DEFAULT_INITIAL_PROMPT } from '../src/transcription/dto/transcribe-request.dto';
import {
  argument,
  benchFiles,
  median,
  requireFiles,
  sleep,
  startBenchServer,
  submitFile,
  TEST_TOKEN,
} from './api-support';

const LANGUAGE = 'en';

async function main(): Promise<void> {
  const runs = argument('runs', 5);
  const threads = argument('threads', 2);
  const pollMs = argument('poll-ms', 0);
  const client = pollMs > 0 ? `polls every ${pollMs} ms` : 'waits (GET /result?wait=30)';
  requireFiles(benchFiles.whisper, benchFiles.vad, benchFiles.segmentation, benchFiles.audio30s);

  const model = await WhisperModel.load({ modelPath: benchFiles.whisper, useGpu: false });
  const diarizer = await Diarizer.create({ segmentationModelPath: benchFiles.segmentation });
  const direct = async (): Promise<number> => {
    const started = performance.now();
    const samples = await decodeToPcm(benchFiles.audio30s);
    const transcript = await model.transcribe(samples, {
      language: LANGUAGE,
      temperature: 0,
      noSpeechThreshold: 0.6,
      // What the server uses when the form leaves initial_prompt out, as this benchmark's request does.
      initialPrompt: DEFAULT_INITIAL_PROMPT,
      threads,
      vad: { modelPath: benchFiles.vad },
      wordTimestamps: true,
    });
    const diarization = await diarizer.diarize(samples, { numSpeakers: 2 });
    groupUtterances(
      assignSpeakers(
        transcript.segments.flatMap((s) => s.words),
        diarization.exclusiveTurns,
      ),
    );
    return performance.now() - started;
  };

  const server = await startBenchServer({
    WHISPER_MODEL_PATH: benchFiles.whisper,
    VAD_MODEL_PATH: benchFiles.vad,
    SEGMENTATION_MODEL_PATH: benchFiles.segmentation,
    WHISPER_THREADS: String(threads),
  });
  const bytes = readFileSync(benchFiles.audio30s);
  const throughHttp = async (): Promise<number> => {
    const started = performance.now();
    const taskId = await submitFile(server.baseUrl, bytes, { language: LANGUAGE, speaker_count: '2' });
    const resultUrl = `${server.baseUrl}/result/${taskId}${pollMs > 0 ? '' : '?wait=30'}`;
    for (;;) {
      const body = (await (await fetch(resultUrl, { headers: { Authorization: TEST_TOKEN } })).json()) as {
        status: string;
      };
      if (body.status === 'completed') return performance.now() - started;
      if (body.status === 'failed') throw new Error(JSON.stringify(body));
      if (pollMs > 0) await sleep(pollMs);
    }
  };

  const directTimes: number[] = [];
  const httpTimes: number[] = [];
  try {
    await direct(); // warm-up: first-call allocations in whisper.cpp and ONNX Runtime
    await throughHttp();
    for (let run = 0; run < runs; run++) {
      directTimes.push(await direct());
      httpTimes.push(await throughHttp());
    }
  } finally {
    await server.stop();
    await model.close();
    await diarizer.close();
  }
  const ratio = median(httpTimes) / median(directTimes);
  console.log(
    `file: ${benchFiles.audio30s} (29.4 s), ${threads} threads, VAD on, ${runs} runs after a warm-up`,
  );
  console.log(
    `direct library calls: median ${median(directTimes).toFixed(0)} ms  [${directTimes.map((t) => t.toFixed(0)).join(', ')}]`,
  );
  console.log(
    `through HTTP + queue (client ${client}): median ${median(httpTimes).toFixed(0)} ms  [${httpTimes.map((t) => t.toFixed(0)).join(', ')}]`,
  );
  console.log(`end-to-end / direct: ${ratio.toFixed(3)} (target <= 1.10)`);
  // One machine-readable line last, for bench/run-all.ts.
  console.log(
    JSON.stringify({
      bench: 'api-e2e',
      runs,
      threads,
      client: pollMs > 0 ? `poll-${pollMs}ms` : 'wait',
      directMs: median(directTimes),
      httpMs: median(httpTimes),
      ratio,
      target: 1.1,
      pass: ratio <= 1.1,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
