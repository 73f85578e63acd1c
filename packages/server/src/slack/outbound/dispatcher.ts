// The delivery loop of one instance: claim due run messages (delivery-store.ts), render the run as it is now, post
// or update the message, and record the outcome. Woken by run state changes in this process; polls for the rest
// (changes made by other instances, retries coming due).
import type { Logger } from 'pino';
import type { Run } from '../../domain/runs.js';
import type { Claimed, DeliveryStore } from '../../storage/slack-deliveries.js';
import { renderRunMessage, type MessageStack, type RunMessage } from './message.js';
import type { NotifyMetrics } from './metrics.js';
import { channelReason, classify, describe } from '../platform/errors.js';

/** The two Slack calls delivery makes; a WebClient in production (slack-client.ts). */
export interface SlackChat {
  postMessage(args: { channel: string } & RunMessage): Promise<{ ts: string }>;
  update(args: { channel: string; ts: string } & RunMessage): Promise<void>;
}

/** The deployment's Slack installation as delivery needs it (the Slack app's InstallationStore fits). */
export interface BotCredentialsSource {
  credentials(): Promise<{ botToken: string } | undefined>;
  /** Reacts to a failed call; true when the installation can no longer be used (deliveries pause). */
  onSlackError(err: unknown): Promise<boolean>;
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** Failed attempts (5xx, network) before a message is parked as failed. */
  maxAttempts: number;
}

export interface DispatcherOptions {
  store: DeliveryStore;
  runs: { get(id: string): Promise<Run | undefined> };
  stacks: { get(id: string): Promise<MessageStack | undefined> };
  credentials: BotCredentialsSource;
  chatFor: (botToken: string) => SlackChat;
  /** External base URL for links (a function: with PORT=0 it is known only once listening). */
  publicUrl: () => string;
  logger: Logger;
  metrics: NotifyMetrics;
  pollMs?: number;
  leaseMs?: number;
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** SQLite: this is the only dispatching process, so claims found at start-up belong to a dead predecessor. */
  singleProcess?: boolean;
  now?: () => number;
}

export class Dispatcher {
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retry: RetryPolicy;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly now: () => number;
  // Until the first step has looked at the installation.
  private paused = true;
  private stepped = false;

  constructor(private readonly o: DispatcherOptions) {
    this.retry = { baseMs: 1000, maxMs: 60_000, maxAttempts: 8, ...o.retry };
    this.pollMs = o.pollMs ?? 500;
    // Far longer than a Slack call can take (WebClient timeout 10 s): a lease never expires under a live call.
    this.leaseMs = o.leaseMs ?? 60_000;
    this.concurrency = o.concurrency ?? 8;
    this.now = o.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (this.o.singleProcess) await this.o.store.releaseAllClaims();
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Stops claiming and waits for the calls in flight to be recorded. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loopDone;
    await Promise.allSettled([...this.inFlight]);
  }

  /** True while there is no usable Slack installation (nothing is sent; changes wait in the queue). */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Something changed (a run moved, a call finished): look again now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const started = this.now();
      let next = started + this.pollMs;
      this.woken = false;
      try {
        const free = this.concurrency - this.inFlight.size;
        const creds = await this.o.credentials.credentials();
        const paused = !creds;
        if (!this.stepped || paused !== this.paused) {
          // Warn when a working link stops; without Slack linked at start-up there is nothing to warn about.
          if (paused && this.stepped)
            this.o.logger.warn('Slack deliveries paused: no active Slack installation');
          else if (paused) this.o.logger.info('Slack deliveries idle: Slack is not linked');
          else this.o.logger.info('Slack deliveries running');
        }
        this.paused = paused;
        this.stepped = true;
        // Paused: keep fanning out (so nothing is lost) but call nothing.
        const result = await this.o.store.tick(started, creds ? free : 0, this.leaseMs);
        for (const c of result.claimed) this.track(this.deliver(c, creds!.botToken));
        if (result.nextDueMs !== null) next = Math.min(next, result.nextDueMs);
        if (creds && result.claimed.length > 0 && result.claimed.length === free) next = started;
      } catch (err) {
        this.o.logger.error({ err: describe(err) }, 'Slack delivery step failed');
      }
      if (!this.running) break;
      // At least a few ms between steps so a queue of not-yet-due work cannot spin.
      await this.sleep(Math.max(5, next - this.now()));
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => {
      this.inFlight.delete(p);
      this.wake();
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      t.unref?.();
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  private async deliver(c: Claimed, botToken: string): Promise<void> {
    const { store, metrics, logger } = this.o;
    try {
      // Version first, run second: the run read afterwards shows at least every change up to `version`.
      const version = await store.currentVersion(c.runId);
      const run = await this.o.runs.get(c.runId);
      if (!run) {
        await store.drop(c);
        return;
      }
      const stack = (await this.o.stacks.get(run.stack_id)) ?? { id: run.stack_id, name: run.stack_id };
      const message = renderRunMessage(run, stack, this.o.publicUrl());
      const chat = this.o.chatFor(botToken);
      try {
        if (c.method === 'chat.postMessage') {
          if (c.uncertainPost) {
            metrics.uncertainPosts.inc();
            logger.warn(
              { run: c.runId, channel: c.channelId },
              'reposting a run message whose earlier post had an unknown outcome',
            );
          }
          const { ts } = await chat.postMessage({ channel: c.channelId, ...message });
          if (!(await store.succeeded(c, ts, version, this.now()))) {
            metrics.duplicatePosts.inc();
            logger.warn({ run: c.runId, channel: c.channelId }, 'run message posted twice');
          }
        } else {
          await chat.update({ channel: c.channelId, ts: c.ts!, ...message });
          await store.succeeded(c, c.ts!, version, this.now());
        }
      } catch (err) {
        await this.failed(c, err);
        return;
      }
      metrics.sent.inc({ method: c.method });
      if (c.pendingSinceMs !== null)
        metrics.latency.observe({}, Math.max(0, this.now() - c.pendingSinceMs) / 1000);
    } catch (err) {
      // Our own trouble (database): the lease runs out and the message is picked up again.
      logger.error({ err: describe(err), run: c.runId, channel: c.channelId }, 'Slack delivery failed');
    }
  }

  private async failed(c: Claimed, err: unknown): Promise<void> {
    const { store, metrics, logger } = this.o;
    const now = this.now();
    const f = classify(err);
    switch (f.kind) {
      case 'rate_limited':
        metrics.rateLimited.inc({ method: c.method });
        metrics.retried.inc({ reason: 'ratelimited' });
        await store.blockBucket(c.method, c.channelId, now + f.retryAfterMs);
        await store.failed(
          c,
          {
            status: 'pending',
            retryAtMs: now + f.retryAfterMs,
            error: 'ratelimited',
            countAttempt: false,
            postNotSent: true,
          },
          now,
        );
        return;
      case 'transient': {
        const attempts = c.attempts + 1;
        if (attempts >= this.retry.maxAttempts) {
          metrics.failed.inc({ reason: 'retries_exhausted' });
          logger.error(
            { run: c.runId, channel: c.channelId, error: f.detail, attempts },
            'Slack run message parked after repeated failures',
          );
          await store.failed(
            c,
            {
              status: 'failed',
              retryAtMs: now,
              error: f.detail,
              countAttempt: true,
              postNotSent: !f.ambiguous,
            },
            now,
          );
          return;
        }
        metrics.retried.inc({ reason: 'transient' });
        await store.failed(
          c,
          {
            status: 'pending',
            retryAtMs: now + this.backoff(attempts),
            error: f.detail,
            countAttempt: true,
            postNotSent: !f.ambiguous,
          },
          now,
        );
        return;
      }
      case 'token': {
        const dead = await this.o.credentials.onSlackError(err);
        if (dead)
          logger.warn(
            { error: f.code },
            'Slack token no longer valid: deliveries paused until Slack is linked again',
          );
        await store.failed(
          c,
          {
            status: 'pending',
            retryAtMs: now + this.pollMs,
            error: f.code,
            countAttempt: false,
            postNotSent: true,
          },
          now,
        );
        return;
      }
      case 'channel': {
        const reason = channelReason(f.code);
        metrics.failed.inc({ reason: 'channel' });
        logger.warn(
          { channel: c.channelId, error: f.code },
          'Slack channel unusable: its subscriptions are disabled',
        );
        await store.failed(
          c,
          { status: 'disabled', retryAtMs: now, error: f.code, countAttempt: false, postNotSent: true },
          now,
        );
        await store.disableChannel(c.channelId, reason, now);
        return;
      }
      case 'message_gone':
        // Someone deleted the message: post a new one for the remaining changes.
        metrics.retried.inc({ reason: 'message_gone' });
        await store.failed(
          c,
          { status: 'pending', retryAtMs: now, error: f.code, countAttempt: true, forgetTs: true },
          now,
        );
        return;
      case 'permanent':
        metrics.failed.inc({ reason: 'permanent' });
        logger.error({ run: c.runId, channel: c.channelId, error: f.detail }, 'Slack refused a run message');
        await store.failed(
          c,
          { status: 'failed', retryAtMs: now, error: f.detail, countAttempt: true, postNotSent: true },
          now,
        );
        return;
    }
  }

  /** Exponential with jitter (half fixed, half random) so instances and messages do not retry in lockstep. */
  private backoff(attempts: number): number {
    const ceiling = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempts - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}
