// Work that follows an ack (users.info, policy evaluation, the answer to response_url) runs here, a few jobs at a
// time, each starting on a later turn of the event loop. Acknowledging new requests therefore never waits behind
// a pile of earlier commands' work — Slack drops requests not acknowledged within 3 s — and a burst of commands
// queues instead of fanning out into unbounded concurrent work. When the queue is long or its oldest job has waited
// too long to still be useful to the person who typed the command, callers answer "busy" in the ack instead of
// accepting work they cannot do in time.
import type { Logger } from 'pino';
import { describe } from '../platform/errors.js';

export class AfterAckQueue {
  private running = 0;
  private readonly queued: Array<{ job: () => Promise<void>; at: number }> = [];
  private idle: Array<() => void> = [];

  constructor(
    private readonly logger: Logger,
    private readonly concurrency = 4,
    private readonly maxQueued = 10_000,
    private readonly maxWaitMs = 30_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get full(): boolean {
    const oldest = this.queued[0];
    return (
      this.queued.length >= this.maxQueued ||
      (oldest !== undefined && this.now() - oldest.at > this.maxWaitMs)
    );
  }

  /** Queues a job; false when the queue is full (the job is dropped). */
  push(job: () => Promise<void>): boolean {
    if (this.full) return false;
    this.queued.push({ job, at: this.now() });
    this.pump();
    return true;
  }

  /** Resolves once nothing is queued or running (shutdown, tests). */
  drained(): Promise<void> {
    if (this.running === 0 && this.queued.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump() {
    while (this.running < this.concurrency && this.queued.length > 0) {
      const { job } = this.queued.shift()!;
      this.running += 1;
      // setImmediate: after pending I/O, so incoming requests are read (and acked) first.
      setImmediate(() => {
        job()
          .catch((err: unknown) => this.logger.error({ err: describe(err) }, 'Slack background job failed'))
          .finally(() => {
            this.running -= 1;
            this.pump();
            if (this.running === 0 && this.queued.length === 0) {
              const waiting = this.idle;
              this.idle = [];
              for (const resolve of waiting) resolve();
            }
          });
      });
    }
  }
}

/**
 * Lets pending I/O (incoming requests waiting for their ack) run before the caller continues. SQLite calls are
 * synchronous underneath their promises, so a job would otherwise run start to finish without giving way.
 */
export function giveWay(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
