import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sleep } from './server-process';

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

/** POST /transcribe with a file from disk (or raw bytes) and optional form fields. */
export async function submit(
  baseUrl: string,
  authorization: string | null,
  file: string | { name: string; bytes: Uint8Array },
  fields: Record<string, string> = {},
): Promise<JsonResponse> {
  const form = new FormData();
  const { name, bytes } =
    typeof file === 'string' ? { name: path.basename(file), bytes: readFileSync(file) } : file;
  form.append('file', new Blob([bytes]), name);
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  const response = await fetch(`${baseUrl}/transcribe`, {
    method: 'POST',
    body: form,
    headers: authorization === null ? {} : { Authorization: authorization },
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

export type ResultBody = Record<string, unknown> & { status: string };

/**
 * Polls GET /result until the task is completed or failed. Every intermediate answer is handed to
 * `onIntermediate` so that the test can check its exact shape.
 */
export async function pollUntilDone(
  baseUrl: string,
  authorization: string,
  taskId: string,
  options: { timeoutMs?: number; intervalMs?: number; onIntermediate?: (body: ResultBody) => void } = {},
): Promise<ResultBody> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    const { status, body } = await getJson(`${baseUrl}/result/${taskId}`, { Authorization: authorization });
    if (status !== 200) throw new Error(`GET /result answered ${status}: ${JSON.stringify(body)}`);
    const result = body as ResultBody;
    if (result.status === 'completed' || result.status === 'failed') return result;
    options.onIntermediate?.(result);
    await sleep(options.intervalMs ?? 100);
  }
  throw new Error(`task ${taskId} did not finish in time`);
}
