// Admin view of Slack delivery (docs/notifications.md: failures are visible to admins):
//   GET  /api/v1/integrations/slack/deliveries?status=pending|failed|disabled&limit=N   run messages, newest first,
//        plus disabled subscriptions with their reason
//   POST /api/v1/integrations/slack/deliveries/retry {run_id?}                        re-queue parked messages
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../auth.js';
import { HttpError } from '../errors.js';

const STATUSES = ['pending', 'failed', 'disabled'] as const;
type DeliveryStatus = (typeof STATUSES)[number];

/** What Slack delivery (slack/outbound/notifications.ts) offers admins. */
export interface SlackDeliveries {
  report(filter: { status?: DeliveryStatus; limit: number }): Promise<unknown>;
  /** Re-queues parked messages (of one run, or all); answers how many. */
  retry(runId?: string): Promise<number>;
}

export function slackDeliveryRoutes(app: FastifyInstance, deliveries: SlackDeliveries) {
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
      return deliveries.report({ ...(status ? { status: status as DeliveryStatus } : {}), limit: n });
    },
  );

  app.post<{ Body: { run_id?: unknown } | undefined }>(
    '/api/v1/integrations/slack/deliveries/retry',
    async (request) => {
      requireAdmin(request);
      const runId = request.body?.run_id;
      if (runId !== undefined && typeof runId !== 'string')
        throw new HttpError(400, 'invalid_body', 'run_id must be a string');
      return { requeued: await deliveries.retry(runId) };
    },
  );
}
