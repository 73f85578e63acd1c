import { requireAuth, requireScope } from './context.js';
import { SlackApiError } from './errors.js';
import { booleanParam, optionalString } from './params.js';
import { renderUser } from './render.js';
import type { MethodSpec } from './method.js';

export const userMethods: Record<string, MethodSpec> = {
  'users.info': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      requireScope(ctx, ['users:read']);
      const id = optionalString(ctx.params, 'user');
      const { store } = ctx.sim;
      const user = id ? store.users.get(id) : undefined;
      // Users of other workspaces are invisible unless met through Slack Connect (is_stranger).
      if (!user || (!auth.teamIds.includes(user.teamId) && !user.isStranger))
        throw new SlackApiError('user_not_found');
      const rendered = renderUser(store, user);
      if (booleanParam(ctx.params, 'include_locale')) rendered.locale = 'en-US';
      return { user: rendered };
    },
  },
};
