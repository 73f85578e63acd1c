// Run notifications in Slack (docs/notifications.md), wired by the composition root: outbox fan-out and delivery
// (dispatcher.ts over storage/slack-deliveries.ts), what admins see of it and the metrics. An adapter: the domain
// knows nothing of it.
import type { Logger } from 'pino';
import type { Run } from '../../domain/runs.js';
import type { Metrics } from '../../metrics.js';
import type { DeliveryStatus } from '../../storage/schema.js';
import type { DeliveryRow, DeliveryStore, Pacer } from '../../storage/slack-deliveries.js';
import type { SubscriptionStore } from '../../storage/slack-subscriptions.js';
import { Dispatcher, type BotCredentialsSource, type RetryPolicy, type SlackChat } from './dispatcher.js';
import type { MessageStack } from './message.js';
import { notifyMetrics } from './metrics.js';
import { SLACK_PACING, slackPacer, type PacingLimits } from './pacing.js';
import { webClientChat } from './chat.js';

export interface NotificationsOptions {
  /** The delivery tables, paced by `pacer` (made by the composition root: storage/slack-deliveries.ts). */
  openStore: (pacer: Pacer) => DeliveryStore;
  /** SQLite: this is the only dispatching process. */
  singleProcess: boolean;
  subscriptions: Pick<SubscriptionStore, 'disabled'>;
  runs: { get(id: string): Promise<Run | undefined> };
  stacks: { get(id: string): Promise<MessageStack | undefined> };
  credentials: BotCredentialsSource;
  slackApiUrl: string;
  publicUrl: () => string;
  logger: Logger;
  metrics: Metrics;
  /** Tuning (tests, benchmarks); defaults follow Slack's published limits. */
  pacing?: PacingLimits;
  retry?: Partial<RetryPolicy>;
  pollMs?: number;
  leaseMs?: number;
  concurrency?: number;
  chatFor?: (botToken: string) => SlackChat;
}

export interface DeliveryReport {
  queued: number;
  failed: number;
  disabled: number;
  oldest_pending_at: string | null;
  deliveries: DeliveryRow[];
  disabled_subscriptions: Awaited<ReturnType<SubscriptionStore['disabled']>>;
}

export interface Notifications {
  store: DeliveryStore;
  dispatcher: Dispatcher;
  /** What admins see of delivery and the retry button (GET/POST /api/v1/integrations/slack/deliveries). */
  deliveries: {
    report(filter: { status?: DeliveryStatus; limit: number }): Promise<DeliveryReport>;
    retry(runId?: string): Promise<number>;
  };
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createNotifications(o: NotificationsOptions): Notifications {
  const logger = o.logger.child({ component: 'notifications' });
  const store = o.openStore(slackPacer(o.pacing ?? SLACK_PACING));
  const dispatcher = new Dispatcher({
    store,
    runs: o.runs,
    stacks: o.stacks,
    credentials: o.credentials,
    chatFor: o.chatFor ?? webClientChat(o.slackApiUrl, logger),
    publicUrl: o.publicUrl,
    logger,
    metrics: notifyMetrics(o.metrics, store),
    singleProcess: o.singleProcess,
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
    ...(o.leaseMs !== undefined ? { leaseMs: o.leaseMs } : {}),
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
  });
  return {
    store,
    dispatcher,
    deliveries: {
      async report(filter) {
        const [deliveries, stats, disabled] = await Promise.all([
          store.list(filter),
          store.stats(),
          o.subscriptions.disabled(),
        ]);
        return {
          queued: stats.queued,
          failed: stats.failed,
          disabled: stats.disabled,
          oldest_pending_at:
            stats.oldestPendingMs === null ? null : new Date(stats.oldestPendingMs).toISOString(),
          deliveries,
          disabled_subscriptions: disabled,
        };
      },
      async retry(runId) {
        const requeued = await store.retryFailed(Date.now(), runId);
        dispatcher.wake();
        return requeued;
      },
    },
    start: () => dispatcher.start(),
    stop: () => dispatcher.stop(),
  };
}

/**
 * Tuning from the environment (not part of the configuration contract of the README; for tests and benchmarks, e.g. a workspace whose
 * chat.update tier Slack has raised: LIFTOFF_NOTIFY_UPDATES_PER_MIN).
 */
export function notificationTuning(env: NodeJS.ProcessEnv): Partial<NotificationsOptions> {
  const n = (name: string) => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0) throw new Error(`${name}: must be a non-negative number`);
    return x;
  };
  const out: Partial<NotificationsOptions> = {};
  const poll = n('LIFTOFF_NOTIFY_POLL_MS');
  if (poll !== undefined) out.pollMs = poll;
  const lease = n('LIFTOFF_NOTIFY_LEASE_MS');
  if (lease !== undefined) out.leaseMs = lease;
  const base = n('LIFTOFF_NOTIFY_RETRY_BASE_MS');
  const max = n('LIFTOFF_NOTIFY_RETRY_MAX_MS');
  const attempts = n('LIFTOFF_NOTIFY_RETRY_ATTEMPTS');
  if (base !== undefined || max !== undefined || attempts !== undefined)
    out.retry = {
      ...(base !== undefined ? { baseMs: base } : {}),
      ...(max !== undefined ? { maxMs: max } : {}),
      ...(attempts !== undefined ? { maxAttempts: attempts } : {}),
    };
  const updates = n('LIFTOFF_NOTIFY_UPDATES_PER_MIN');
  if (updates !== undefined)
    out.pacing = {
      ...SLACK_PACING,
      methods: {
        ...SLACK_PACING.methods,
        'chat.update': { capacity: Math.max(1, updates / 2), perSecond: updates / 60 },
      },
    };
  return out;
}
