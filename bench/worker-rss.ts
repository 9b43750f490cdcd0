/**
 * Peak resident memory of a worker while it processes a long recording through the whole pipeline
 * (decode, VAD + whisper.cpp, diarization, combining): one server process (API + worker), one upload
 * of real speech looped to the length asked (default one hour), VmHWM from /proc/PID/status, and the
 * highest RSS sampled during each stage the job reported (GET /result's `info`), so that a change of
 * the peak can be traced to the stage that holds it.
 *   node dist/bench/worker-rss.js [--minutes 60] [--threads 2] [--diarize-alongside auto|on|off]
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { writeWavFile } from '../libs/audio';
import { argument, benchFiles, requireFiles, sleep, startBenchServer, TEST_TOKEN } from './api-support';
import { speechAudio } from './speech-support';

function memoryMb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

/** Streams the WAV file as the multipart form's `file` (the client holds no copy of it in memory). */
function upload(baseUrl: string, file: string): Promise<string> {
  const boundary = `bench${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="language"\r\n\r\nen\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="long.wav"\r\n` +
      'Content-Type: audio/wav\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body(): AsyncGenerator<Buffer> {
    yield head;
    for await (const chunk of createReadStream(file)) yield chunk as Buffer;
    yield tail;
  }
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}/transcribe`, {
      method: 'POST',
      headers: {
        Authorization: TEST_TOKEN,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': head.length + statSync(file).size + tail.length,
      },
    });
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (part: string) => (text += part));
      response.on('end', () => {
        const taskId = (JSON.parse(text) as { task_id?: string }).task_id;
        if (response.statusCode === 200 && taskId) resolve(taskId);
        else reject(new Error(`upload answered ${response.statusCode}: ${text}`));
      });
    });
    request.on('error', reject);
    Readable.from(body()).pipe(request);
  });
}

async function main(): Promise<void> {
  const minutes = argument('minutes', 60);
  const threads = argument('threads', Math.min(4, os.availableParallelism()));
  const alongsideIndex = process.argv.indexOf('--diarize-alongside');
  const alongside = alongsideIndex >= 0 ? process.argv[alongsideIndex + 1] : 'auto';
  requireFiles(benchFiles.whisper, benchFiles.vad, benchFiles.segmentation);
  const work = mkdtempSync(path.join(os.tmpdir(), 'worker-rss-'));
  const wav = path.join(work, 'long.wav');
  writeWavFile(wav, speechAudio(minutes * 60));
  const server = await startBenchServer({
    WHISPER_MODEL_PATH: benchFiles.whisper,
    VAD_MODEL_PATH: benchFiles.vad,
    SEGMENTATION_MODEL_PATH: benchFiles.segmentation,
    WHISPER_THREADS: String(threads),
    DIARIZE_ALONGSIDE: alongside,
    MAX_UPLOAD_BYTES: String(4 * 1024 ** 3),
  });
  try {
    const idle = memoryMb(server.pid);
    let peakSampled = idle.rss;
    // The stage last read from GET /result; 'uploading' until the task exists.
    let stage = 'uploading';
    const stagePeaks = new Map<string, number>();
    const sampler = setInterval(() => {
      const rss = memoryMb(server.pid).rss;
      peakSampled = Math.max(peakSampled, rss);
      stagePeaks.set(stage, Math.max(stagePeaks.get(stage) ?? 0, rss));
    }, 100);
    const started = performance.now();
    const taskId = await upload(server.baseUrl, wav);
    stage = 'pending';
    let body: { status: string; info?: string; results?: unknown[]; error?: string };
    for (;;) {
      const response = await fetch(`${server.baseUrl}/result/${taskId}`, {
        headers: { Authorization: TEST_TOKEN },
      });
      body = (await response.json()) as typeof body;
      if (body.status === 'completed' || body.status === 'failed') break;
      stage = body.info ?? body.status;
      await sleep(250);
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const peak = memoryMb(server.pid).hwm;
    console.log(
      `${minutes} min of speech (${(statSync(wav).size / 2 ** 20).toFixed(0)} MiB WAV), ${threads} threads, ` +
        `DIARIZE_ALONGSIDE=${alongside}: ` +
        `${body.status} in ${seconds.toFixed(0)} s (upload, decode, VAD + whisper.cpp, diarization, combining)`,
    );
    console.log(
      `server (API + worker) RSS idle ${idle.rss.toFixed(0)} MB; peak sampled ${peakSampled.toFixed(0)} MB; ` +
        `VmHWM ${peak.toFixed(0)} MB`,
    );
    const byStage = [...stagePeaks].map(([name, mb]) => `${name} ${mb.toFixed(0)}`).join(', ');
    console.log(`peak RSS sampled per stage (MB, stage as last polled): ${byStage}`);
    // One machine-readable line last, for bench/run-all.ts.
    console.log(
      JSON.stringify({
        bench: 'worker-rss',
        minutes,
        threads,
        diarizeAlongside: alongside,
        status: body.status,
        seconds,
        idleRssMb: idle.rss,
        peakRssMb: peak,
        stagePeakRssMb: Object.fromEntries(stagePeaks),
        pass: body.status === 'completed',
      }),
    );
    if (body.status !== 'completed') process.exitCode = 1;
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
