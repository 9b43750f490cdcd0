import http from 'node:http';
import { randomBytes } from 'node:crypto';

/**
 * Issue 5, item 6: many clients polling GET /result while others upload, for a bounded time, with
 * every error counted and the latencies' percentiles. Used by bench/load.ts (60 s) and by
 * test/reliability/load.test.ts (a short run in CI).
 */
export interface LoadOptions {
  baseUrl: string;
  authorization: string;
  seconds: number;
  pollers: number;
  uploaders: number;
  /** Each poller waits this long between its requests (0: as fast as it can). */
  pollIntervalMs: number;
  /** The file every upload sends (a valid WAV), and how fast each uploader sends it. */
  upload: Buffer;
  uploadBytesPerSecond: number;
}

export interface LatencySummary {
  count: number;
  perSecond: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadReport {
  seconds: number;
  pollers: number;
  uploaders: number;
  polls: LatencySummary;
  uploads: LatencySummary & { mibPerSecond: number };
  /** The first few errors, for the reader of a failed run. */
  errorSamples: string[];
}

const VALID_STATUSES = new Set(['pending', 'processing', 'completed', 'failed']);

/** Nearest-rank percentile of sorted values, in ms rounded to 0.1. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index] * 10) / 10;
}

export function summarize(latencies: number[], errors: number, seconds: number): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: latencies.length,
    perSecond: Math.round((latencies.length / seconds) * 10) / 10,
    errors,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
  };
}

interface Answer {
  status: number;
  body: string;
}

function request(
  agent: http.Agent,
  url: string,
  options: http.RequestOptions,
  send?: (request: http.ClientRequest) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { agent, ...options }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => (body += part));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    if (send) send(outgoing);
    else outgoing.end();
  });
}

/** Writes `body` in slices, paced to `bytesPerSecond`, as a client on a real network link would. */
function sendPaced(outgoing: http.ClientRequest, body: Buffer, bytesPerSecond: number): void {
  const tickMs = 50;
  const slice = Math.max(1024, Math.round((bytesPerSecond * tickMs) / 1000));
  let offset = 0;
  const next = (): void => {
    const end = Math.min(body.length, offset + slice);
    const chunk = body.subarray(offset, end);
    offset = end;
    if (offset >= body.length) outgoing.end(chunk);
    else if (outgoing.write(chunk)) setTimeout(next, tickMs);
    else outgoing.once('drain', () => setTimeout(next, tickMs));
  };
  next();
}

function multipart(file: Buffer): { contentType: string; body: Buffer } {
  const boundary = `----load${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="load.wav"\r\n` +
      'Content-Type: audio/wav\r\n\r\n',
  );
  const tail = Buffer.from(
    `\r\n--${boundary}\r\nContent-Disposition: form-data; name="language"\r\n\r\nen\r\n--${boundary}--\r\n`,
  );
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([head, file, tail]),
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.pollers + options.uploaders + 8 });
  const headers = { Authorization: options.authorization };
  const errorSamples: string[] = [];
  const noteError = (what: string): void => {
    if (errorSamples.length < 10) errorSamples.push(what);
  };
  const form = multipart(options.upload);

  const upload = async (paced = true): Promise<{ ok: boolean; taskId?: string }> => {
    try {
      const answer = await request(
        agent,
        `${options.baseUrl}/transcribe`,
        {
          method: 'POST',
          headers: { ...headers, 'Content-Type': form.contentType, 'Content-Length': form.body.length },
        },
        (outgoing) =>
          paced ? sendPaced(outgoing, form.body, options.uploadBytesPerSecond) : outgoing.end(form.body),
      );
      const parsed = answer.status === 200 ? (JSON.parse(answer.body) as { task_id?: unknown }) : {};
      if (typeof parsed.task_id === 'string') return { ok: true, taskId: parsed.task_id };
      noteError(`POST /transcribe ${answer.status}: ${answer.body.slice(0, 200)}`);
    } catch (error) {
      noteError(`POST /transcribe: ${String(error)}`);
    }
    return { ok: false };
  };

  // Tasks to poll from the first moment: queued before the clock starts.
  const seeded = await Promise.all(
    Array.from({ length: Math.max(1, options.uploaders) }, () => upload(false)),
  );
  const taskIds = seeded.map((outcome) => outcome.taskId).filter((id): id is string => id !== undefined);
  if (taskIds.length < seeded.length)
    throw new Error(`cannot create tasks to poll: ${errorSamples.join('; ')}`);

  const pollLatencies: number[] = [];
  const uploadLatencies: number[] = [];
  let pollErrors = 0;
  let uploadErrors = 0;
  let uploadedBytes = 0;
  const started = performance.now();
  const endsAt = started + options.seconds * 1000;
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  const poller = async (index: number): Promise<void> => {
    // Spread the first requests over one interval, as clients that did not start together.
    await sleep((index / options.pollers) * options.pollIntervalMs);
    while (performance.now() < endsAt) {
      const taskId = taskIds[Math.floor(Math.random() * taskIds.length)];
      const sent = performance.now();
      try {
        const answer = await request(agent, `${options.baseUrl}/result/${taskId}`, { headers });
        pollLatencies.push(performance.now() - sent);
        const status =
          answer.status === 200 ? (JSON.parse(answer.body) as { status?: unknown }).status : null;
        if (typeof status !== 'string' || !VALID_STATUSES.has(status)) {
          pollErrors++;
          noteError(`GET /result ${answer.status}: ${answer.body.slice(0, 200)}`);
        }
      } catch (error) {
        pollErrors++;
        noteError(`GET /result: ${String(error)}`);
      }
      if (options.pollIntervalMs > 0) await sleep(options.pollIntervalMs);
    }
  };

  const uploader = async (): Promise<void> => {
    while (performance.now() < endsAt) {
      const sent = performance.now();
      const outcome = await upload();
      uploadLatencies.push(performance.now() - sent);
      if (outcome.taskId) {
        taskIds.push(outcome.taskId);
        uploadedBytes += form.body.length;
      } else uploadErrors++;
    }
  };

  await Promise.all([
    ...Array.from({ length: options.pollers }, (_, i) => poller(i)),
    ...Array.from({ length: options.uploaders }, () => uploader()),
  ]);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    seconds: Math.round(seconds * 10) / 10,
    pollers: options.pollers,
    uploaders: options.uploaders,
    polls: summarize(pollLatencies, pollErrors, seconds),
    uploads: {
      ...summarize(uploadLatencies, uploadErrors, seconds),
      mibPerSecond: Math.round((uploadedBytes / 2 ** 20 / seconds) * 10) / 10,
    },
    errorSamples,
  };
}
