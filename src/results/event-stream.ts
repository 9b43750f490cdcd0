import type { Response } from 'express';

/** Comment lines at this interval keep proxies (nginx 60 s, Caddy, load balancers) from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;

/**
 * One text/event-stream response. Writes go straight to the socket (no buffering proxy hint is
 * needed behind Caddy; X-Accel-Buffering covers nginx). `gone` aborts when the client goes away.
 */
export class EventStream {
  private readonly closed = new AbortController();
  readonly gone: AbortSignal = this.closed.signal;

  constructor(private readonly response: Response) {
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    response.socket?.setNoDelay(true);
    response.once('close', () => this.closed.abort());
  }

  /** One event; `data` is JSON on one line, as every event of this API carries. */
  send(event: string, data: string): void {
    if (this.gone.aborted) return;
    this.response.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  /** How long a client waits before reconnecting when the stream ends without a final event. */
  retry(ms: number): void {
    if (!this.gone.aborted) this.response.write(`retry: ${ms}\n\n`);
  }

  heartbeat(): void {
    if (!this.gone.aborted) this.response.write(': keep-alive\n\n');
  }

  /**
   * Sends the last event and ends the stream; resolves true only once the event was completely
   * written to a connection that was still open, which is what counts as delivery.
   */
  finish(event: string, data: string): Promise<boolean> {
    if (this.gone.aborted) return Promise.resolve(false);
    // As GET /result: 'finish' comes even after a reset mid-body; the socket tells them apart.
    const socket = this.response.socket;
    return new Promise((resolve) => {
      this.response.once('finish', () => resolve(!!socket && !socket.errored && !socket.destroyed));
      this.response.once('close', () => resolve(false));
      this.response.end(`event: ${event}\ndata: ${data}\n\n`);
    });
  }

  end(): void {
    if (!this.response.writableEnded) this.response.end();
  }
}
