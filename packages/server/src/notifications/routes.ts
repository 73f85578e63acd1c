// Admin view of delivery (SPEC §8: failures visible to admins):
//   GET  /api/v1/integrations/slack/deliveries?status=pending|failed|disabled&limit=N   run messages, newest first,
//        plus disabled subscriptions with their reason
//   POST /api/v1/integrations/slack/deliveries/retry {run_id?}                        re-queue parked messages
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../http/auth.js';
import { HttpError } from '../http/errors.js';
import type { DeliveryStore } from './delivery-store.js';
import type { DeliveryStatus } from './schema.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'failed', 'disabled'];

export function deliveryRoutes(store: DeliveryStore, onRetry: () => void) {
  return async function routes(app: FastifyInstance) {
    app.get<{ Querystring: { status?: string; limit?: string } }>(
      '/api/v1/integrations/slack/deliveries',
      async (request) => {
        requireAdmin(request);
        const { status, limit } = request.query;
        if (status !== undefined && !STATUSES.includes(status as DeliveryStatus))
          throw new HttpError(400, 'invalid_query', `status must be one of ${STATUSES.join(', ')}`);
        const n = limit === undefined ? 100 : Number(limit);
        if (!Number.isInteger(n) || n < 1 || n > 1000)
          throw new HttpError(400, 'invalid_query', 'limit must be a whole number between 1 and 1000');
        const [deliveries, stats, disabled] = await Promise.all([
          store.list({ ...(status ? { status: status as DeliveryStatus } : {}), limit: n }),
          store.stats(),
          store.db
            .selectFrom('slack_subscriptions')
            .select(['stack_id', 'channel_id', 'channel_name', 'disabled_reason', 'disabled_at'])
            .where('disabled_reason', 'is not', null)
            .orderBy('disabled_at', 'desc')
            .execute(),
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
    );

    app.post<{ Body: { run_id?: unknown } | undefined }>(
      '/api/v1/integrations/slack/deliveries/retry',
      async (request) => {
        requireAdmin(request);
        const runId = request.body?.run_id;
        if (runId !== undefined && typeof runId !== 'string')
          throw new HttpError(400, 'invalid_body', 'run_id must be a string');
        const requeued = await store.retryFailed(Date.now(), runId);
        onRetry();
        return { requeued };
      },
    );
  };
}
