import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 standing in for the model upstreams:
 *   /files/NAME     the file
 *   /redirect/NAME  302 to /files/NAME (and /redirect-loop loops forever)
 *   /drop/NAME      announces the full length, sends half, then cuts the connection
 *   /stall/NAME     sends half and then nothing, keeping the connection open
 *   anything else   404
 */
export class FixtureServer {
  readonly files = new Map<string, Buffer>();
  readonly requests: string[] = [];
  private readonly server = http.createServer((request, response) => this.handle(request, response));
  private readonly stalled = new Set<http.ServerResponse>();

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  url(route: string, name: string): string {
    return `${this.origin}/${route}/${encodeURIComponent(name)}`;
  }

  async stop(): Promise<void> {
    for (const response of this.stalled) response.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    this.requests.push(request.url ?? '');
    const [, route, encoded] = (request.url ?? '').split('/');
    if (route === 'redirect-loop') {
      response.writeHead(302, { location: '/redirect-loop/again' }).end();
      return;
    }
    const body = this.files.get(decodeURIComponent(encoded ?? ''));
    if (!body) {
      response.writeHead(404).end('not found');
      return;
    }
    const headers = { 'content-length': body.length, 'content-type': 'application/octet-stream' };
    switch (route) {
      case 'files':
        response.writeHead(200, headers).end(body);
        return;
      case 'redirect':
        response.writeHead(302, { location: `/files/${encoded}` }).end();
        return;
      case 'drop':
        response.writeHead(200, headers);
        response.write(body.subarray(0, Math.floor(body.length / 2)), () => {
          setTimeout(() => response.socket?.destroy(), 20);
        });
        return;
      case 'stall':
        this.stalled.add(response);
        response.writeHead(200, headers);
        response.write(body.subarray(0, Math.floor(body.length / 2)));
        return;
      default:
        response.writeHead(404).end('not found');
    }
  }
}

/** A port on 127.0.0.1 where nothing listens: connections are refused at once, as offline hosts are. */
export async function closedPort(): Promise<number> {
  const probe = http.createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}
