import { randomBytes } from 'node:crypto';

/** One part of a hand-built multipart form: a file when `filename` is given, else a text field. */
export interface FormPart {
  name: string;
  data: string | Uint8Array;
  filename?: string;
  contentType?: string;
}

export interface RawAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Builds the multipart/form-data body byte by byte, so that a test controls what a browser or
 * FormData would refuse or escape: file names with `../`, repeated or missing fields, a body cut short.
 */
export function multipartBody(parts: FormPart[], options: { truncateTo?: number } = {}) {
  const boundary = `----reliability${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let disposition = `form-data; name="${part.name}"`;
    if (part.filename !== undefined) disposition += `; filename="${part.filename}"`;
    let head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n`;
    if (part.filename !== undefined)
      head += `Content-Type: ${part.contentType ?? 'application/octet-stream'}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(chunks);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: options.truncateTo === undefined ? body : body.subarray(0, options.truncateTo),
  };
}

/** POST /transcribe with a hand-built body; the answer's JSON (or its text under `raw`). */
export async function postRaw(
  baseUrl: string,
  authorization: string,
  form: { contentType: string; body: Uint8Array },
): Promise<RawAnswer> {
  const response = await fetch(`${baseUrl}/transcribe`, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': form.contentType },
    body: form.body,
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: response.status, body };
}
