// One server-sent-events response. The reply is hijacked (Fastify no longer manages it), so this module owns
// headers, heartbeats and closing; `SseHub` lets the server end every stream when it shuts down.
import type { FastifyReply } from 'fastify';

const HEARTBEAT_MS = 15_000;

export class SseStream {
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly closers: Array<() => void> = [];

  constructor(
    private readonly reply: FastifyReply,
    hub: SseHub,
  ) {
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) must not buffer the stream.
      'x-accel-buffering': 'no',
    });
    // Reconnect quickly after a network blip; EventSource resends the last id it saw.
    reply.raw.write('retry: 2000\n\n');
    // A comment line keeps idle connections open through proxies with read timeouts.
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
    // The response's 'close' fires when the browser goes away (or after end()): stop polling for it.
    reply.raw.on('close', () => this.close());
    hub.add(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(event: string, data: unknown, id?: number | string): void {
    const lines = [`event: ${event}`];
    if (id !== undefined) lines.push(`id: ${id}`);
    lines.push(`data: ${JSON.stringify(data ?? null)}`);
    this.write(`${lines.join('\n')}\n\n`);
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closers.push(fn);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const fn of this.closers.splice(0)) {
      try {
        fn();
      } catch {
        // Cleanup of one subscriber must not keep the others alive.
      }
    }
    this.reply.raw.end();
  }

  private write(chunk: string) {
    if (!this.closed && !this.reply.raw.destroyed) this.reply.raw.write(chunk);
  }
}

/** Open streams, so shutdown does not wait for browsers to hang up. */
export class SseHub {
  private readonly streams = new Set<SseStream>();

  add(stream: SseStream) {
    this.streams.add(stream);
    stream.onClose(() => this.streams.delete(stream));
  }

  closeAll() {
    for (const stream of [...this.streams]) stream.close();
  }
}
