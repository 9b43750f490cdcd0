import http, { type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A PNG signature and header: content that sniffs as an image, not audio. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

export interface MediaServer {
  port: number;
  /** `http://127.0.0.1:<port><path>` */
  url: (path: string) => string;
  /** Paths asked for, in order. */
  requests: string[];
  close: () => Promise<void>;
}

/**
 * A real HTTP server on loopback playing every kind of media host: the audio itself (with and
 * without a length), redirects (same host, to a host name or port not allowed, in a loop), a body
 * over `limitBytes` (declared or not), a slow body, a 404, text and an image, an empty body.
 */
export async function startMediaServer(audio: Buffer, limitBytes: number): Promise<MediaServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let port = 0;
  const send = (
    res: ServerResponse,
    status: number,
    body: Buffer,
    headers: Record<string, string> = {},
  ): void => {
    res.writeHead(status, { 'Content-Length': String(body.length), ...headers });
    res.end(body);
  };
  const redirect = (res: ServerResponse, location: string): void => {
    res.writeHead(302, { Location: location, 'Content-Length': '0' });
    res.end();
  };
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    switch (path.split('?')[0]) {
      case '/media/conv.wav':
        return send(res, 200, audio, { 'Content-Type': 'audio/wav' });
      case '/media/chunked.wav':
        res.writeHead(200, { 'Content-Type': 'audio/wav' });
        for (let at = 0; at < audio.length; at += 64 * 1024) res.write(audio.subarray(at, at + 64 * 1024));
        return void res.end();
      case '/redirect/same-host':
        return redirect(res, '/media/conv.wav');
      case '/redirect/host-name':
        return redirect(res, `http://localhost:${port}/media/conv.wav`);
      case '/redirect/other-port':
        return redirect(res, `http://127.0.0.1:${port === 65535 ? 1 : port + 1}/media/conv.wav`);
      case '/redirect/loop':
        return redirect(res, '/redirect/loop');
      case '/big/declared':
        res.writeHead(200, { 'Content-Length': String(limitBytes + 1) });
        // Only the head matters: the fetch must give up before reading the body.
        return void res.write(Buffer.alloc(1024));
      case '/big/chunked':
        res.writeHead(200);
        res.write(audio.subarray(0, 64));
        for (let sent = 64; sent <= limitBytes; sent += 64 * 1024) res.write(Buffer.alloc(64 * 1024));
        return void res.end(Buffer.alloc(1024));
      case '/slow': {
        res.writeHead(200, { 'Content-Type': 'audio/wav' });
        let at = 0;
        const timer = setInterval(() => {
          if (res.destroyed || at >= audio.length) return clearInterval(timer);
          res.write(audio.subarray(at, at + 256));
          at += 256;
        }, 200);
        res.once('close', () => clearInterval(timer));
        return;
      }
      case '/text':
        return send(res, 200, Buffer.from('just some text, not audio\n'), { 'Content-Type': 'audio/wav' });
      case '/image.png':
        return send(res, 200, PNG, { 'Content-Type': 'image/png' });
      case '/empty':
        return send(res, 200, Buffer.alloc(0));
      default:
        return send(res, 404, Buffer.from('not found'));
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
