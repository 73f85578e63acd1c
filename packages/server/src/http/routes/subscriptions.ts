// GET /api/v1/stacks/{id}/subscriptions (read access to the stack): the Slack channels that follow its runs, for the
// stack page. Disabled subscriptions are listed with the reason delivery stopped.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/services.js';
import { subjectOf } from '../auth.js';
import { slugParam } from '../validation.js';

/** A channel following a stack, as the stack page lists it. */
export interface ChannelSubscription {
  channel_id: string;
  channel_name: string;
  created_by: string;
  created_at: string;
  disabled_reason: string | null;
}

/** Where subscriptions are kept (storage/slack-subscriptions.ts). */
export interface ChannelSubscriptions {
  ofStack(stackId: string, options: { includeDisabled: boolean }): Promise<ChannelSubscription[]>;
}

export function subscriptionRoutes(
  app: FastifyInstance,
  deps: { services: Services; subscriptions: ChannelSubscriptions },
) {
  app.get<{ Params: { id: string } }>('/api/v1/stacks/:id/subscriptions', async (request) => {
    const subject = subjectOf(request);
    const stack = await deps.services.runs.readableStack(subject, slugParam('id', request.params.id));
    const rows = await deps.subscriptions.ofStack(stack.id, { includeDisabled: true });
    return rows.map((s) => ({
      channel_id: s.channel_id,
      channel_name: s.channel_name,
      created_by: s.created_by,
      created_at: s.created_at,
      disabled_reason: s.disabled_reason,
    }));
  });
}
