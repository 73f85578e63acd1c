import { requireAuth, requireScope } from './context.js';
import { SlackApiError } from './errors.js';
import { optionalString } from './params.js';
import { renderTeam } from './render.js';
import type { MethodSpec } from './method.js';

export const teamMethods: Record<string, MethodSpec> = {
  'team.info': {
    auth: true,
    handler(ctx) {
      const auth = requireAuth(ctx);
      requireScope(ctx, ['team:read']);
      const wanted = optionalString(ctx.params, 'team') ?? auth.teamId ?? auth.teamIds[0];
      if (!wanted || !auth.teamIds.includes(wanted)) throw new SlackApiError('team_not_found');
      return { team: renderTeam(ctx.sim.store, ctx.sim.store.team(wanted)) };
    },
  },
};
