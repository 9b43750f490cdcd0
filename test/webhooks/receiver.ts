import { createHmac, timingSafeEqual } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../libs/webhooks';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Checked twice: with the library's verifier and with an HMAC computed here from the header's parts. */
  verifiedByLibrary: boolean;
  verifiedIndependently: boolean;
}

/** Answers request number `index` (from 0); may leave `res` open to play a hanging receiver. */
export type Responder = (index: number, res: ServerResponse, req: IncomingMessage) => void;

export interface Receiver {
  port: number;
  url: (path?: string) => string;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests have fully arrived. */
  waitForRequests: (count: number, timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
}

/** Recomputes `HMAC-SHA256(secret, "<t>.<body>")` without the library, so a bug there cannot hide itself. */
export function independentlyVerify(body: string, header: string | undefined, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

/** A real HTTP listener on 127.0.0.1 that records and verifies every webhook it gets. */
export async function startReceiver(secret: string, respond: Responder): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: (() => void)[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-webhook-signature'] as string | undefined;
      const index = requests.length;
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        verifiedByLibrary: verifyWebhookSignature(body, signature, secret),
        verifiedIndependently: independentlyVerify(body, signature, secret),
      });
      waiters.splice(0).forEach((wake) => wake());
      respond(index, res, req);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    async waitForRequests(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`got ${requests.length} requests, expected ${count}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/** Answers with `status` and a short body. */
export function reply(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
  res.end(`status ${status}`);
}
