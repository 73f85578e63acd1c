// Delivery metrics on /metrics (through the server's registry): counters for what happened, gauges sampled from
// the database for what is waiting, so every instance reports the shared queue.
import type { Counter, Histogram, Metrics } from '../../metrics.js';
import type { DeliveryStore } from '../../storage/slack-deliveries.js';

export interface NotifyMetrics {
  sent: Counter;
  retried: Counter;
  failed: Counter;
  rateLimited: Counter;
  uncertainPosts: Counter;
  duplicatePosts: Counter;
  latency: Histogram;
}

export function notifyMetrics(metrics: Metrics, store: DeliveryStore): NotifyMetrics {
  metrics.gauge(
    'liftoff_slack_deliveries',
    'Slack run messages with changes not yet shown, by status (queued, failed, disabled).',
    async () => {
      const s = await store.stats();
      return [
        { labels: { status: 'queued' }, value: s.queued },
        { labels: { status: 'failed' }, value: s.failed },
        { labels: { status: 'disabled' }, value: s.disabled },
      ];
    },
  );
  metrics.gauge(
    'liftoff_slack_delivery_lag_seconds',
    'Age of the oldest run change not yet shown in Slack (0 when none).',
    async () => {
      const s = await store.stats();
      return [
        {
          labels: {},
          value: s.oldestPendingMs === null ? 0 : Math.max(0, (Date.now() - s.oldestPendingMs) / 1000),
        },
      ];
    },
  );
  return {
    sent: metrics.counter(
      'liftoff_slack_deliveries_sent_total',
      'Slack calls that showed a run change, by method.',
    ),
    retried: metrics.counter(
      'liftoff_slack_deliveries_retried_total',
      'Slack calls to be retried, by reason (ratelimited, transient, message_gone).',
    ),
    failed: metrics.counter(
      'liftoff_slack_deliveries_failed_total',
      'Run messages parked or stopped, by reason (retries_exhausted, permanent, channel).',
    ),
    rateLimited: metrics.counter(
      'liftoff_slack_ratelimited_total',
      'HTTP 429 answers from Slack, by method.',
    ),
    uncertainPosts: metrics.counter(
      'liftoff_slack_uncertain_posts_total',
      'Posts repeated after an earlier post of the same message had an unknown outcome.',
    ),
    duplicatePosts: metrics.counter(
      'liftoff_slack_duplicate_posts_total',
      'Posts that turned out to duplicate a message already recorded.',
    ),
    latency: metrics.histogram(
      'liftoff_slack_delivery_latency_seconds',
      'From a run change to the Slack call that showed it.',
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    ),
  };
}
