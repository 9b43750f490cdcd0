/**
 * Peak resident memory of the API process while it receives a 1 GiB upload (streamed to disk by
 * multer): VmHWM and sampled VmRSS from /proc/PID/status. Target <= 150 MB.
 *   node dist/bench/api-upload-rss.js [--mib 1024]
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Readable } from 'node:stream';
import { encodeWav } from '../libs/audio';
import { argument, sleep, startBenchServer, TEST_TOKEN } from './api-support';

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

/** A multipart body: a WAV header then `dataBytes` of silence, produced chunk by chunk. */
function multipartBody(boundary: string, dataBytes: number): { stream: Readable; length: number } {
  const header = encodeWav(new Float32Array(0)).subarray(0, 44);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.writeUInt32LE(dataBytes, 40);
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n` +
      'Content-Type: audio/wav\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(1024 * 1024);
  async function* generate(): AsyncGenerator<Buffer> {
    yield head;
    yield header;
    for (let sent = 0; sent < dataBytes; sent += chunk.length)
      yield chunk.subarray(0, Math.min(chunk.length, dataBytes - sent));
    yield tail;
  }
  return { stream: Readable.from(generate()), length: head.length + header.length + dataBytes + tail.length };
}

async function main(): Promise<void> {
  const mib = argument('mib', 1024);
  const dataBytes = mib * 1024 * 1024;
  const server = await startBenchServer({
    APP_ROLE: 'api',
    MAX_UPLOAD_BYTES: String(dataBytes + 1024 * 1024),
  });
  try {
    await sleep(1000);
    const before = memory(server.pid);
    let peakRss = before.rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, memory(server.pid).rss)), 20);
    const boundary = `bench${Date.now()}`;
    const body = multipartBody(boundary, dataBytes);
    const started = performance.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const request = http.request(
        `${server.baseUrl}/transcribe`,
        {
          method: 'POST',
          headers: {
            Authorization: TEST_TOKEN,
            'Content-Type': `multipart/form-data; boundary=${boundary}`,
            'Content-Length': body.length,
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (part: string) => (text += part));
          response.on('end', () => resolve(`${response.statusCode} ${text}`));
        },
      );
      request.on('error', reject);
      body.stream.pipe(request);
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const after = memory(server.pid);
    console.log(
      `upload of ${mib} MiB answered ${answer} in ${seconds.toFixed(1)} s (${(mib / seconds).toFixed(0)} MiB/s)`,
    );
    console.log(
      `API RSS before: ${before.rss.toFixed(0)} MB; peak sampled RSS during the upload: ${peakRss.toFixed(0)} MB`,
    );
    console.log(`API VmHWM (peak RSS of the process's life): ${after.hwm.toFixed(0)} MB (target <= 150 MB)`);
    // One machine-readable line last, for bench/run-all.ts.
    console.log(
      JSON.stringify({
        bench: 'api-upload-rss',
        mib,
        httpStatus: Number(answer.split(' ')[0]),
        seconds,
        mibPerSecond: mib / seconds,
        rssBeforeMb: before.rss,
        peakSampledRssMb: peakRss,
        peakRssMb: after.hwm,
        target: 150,
        pass: after.hwm <= 150 && answer.startsWith('200'),
      }),
    );
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
