import { requireAuth, requireScope } from './context.js';
import { SlackApiError } from './errors.js';
import { booleanParam, optionalString } from './params.js';
import type { ApiContext } from './context.js';
import type { MethodSpec } from './method.js';
import type { UserGroup } from '../types.js';

// User groups (Slack's "subteams"): usergroups.list and usergroups.users.list, read-only — groups
// are made through the control API, as an admin would make them in Slack.
// https://docs.slack.dev/reference/methods/usergroups.list · …/usergroups.users.list

/** The workspace asked about: the token's, or for org-wide tokens the required `team_id`. */
function teamOf(ctx: ApiContext): string {
  const auth = requireAuth(ctx);
  if (auth.teamId) return auth.teamId;
  throw new SlackApiError('missing_argument', {
    response_metadata: { messages: ['[ERROR] team_id is required with an org-level token'] },
  });
}

function renderUserGroup(g: UserGroup, options: { users: boolean; count: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: g.id,
    team_id: g.teamId,
    is_usergroup: true,
    is_subteam: true,
    name: g.name,
    description: g.description,
    handle: g.handle,
    is_external: false,
    date_create: g.createdAt,
    date_update: g.updatedAt,
    date_delete: g.disabled ? g.disabledAt : 0,
    auto_type: null,
    auto_provision: false,
    enterprise_subteam_id: '',
    created_by: g.createdBy,
    updated_by: g.createdBy,
    deleted_by: null,
    prefs: { channels: [], groups: [] },
  };
  if (options.users) out.users = [...g.members];
  if (options.count) out.user_count = g.members.length;
  return out;
}

export const userGroupMethods: Record<string, MethodSpec> = {
  'usergroups.list': {
    auth: true,
    handler(ctx) {
      requireScope(ctx, ['usergroups:read']);
      const teamId = teamOf(ctx);
      const includeDisabled = booleanParam(ctx.params, 'include_disabled');
      const options = {
        users: booleanParam(ctx.params, 'include_users'),
        count: booleanParam(ctx.params, 'include_count'),
      };
      const groups = [...ctx.sim.store.userGroups.values()].filter(
        (g) => g.teamId === teamId && (includeDisabled || !g.disabled),
      );
      return { usergroups: groups.map((g) => renderUserGroup(g, options)) };
    },
  },
  'usergroups.users.list': {
    auth: true,
    handler(ctx) {
      requireScope(ctx, ['usergroups:read']);
      const teamId = teamOf(ctx);
      const id = optionalString(ctx.params, 'usergroup');
      const g = id ? ctx.sim.store.userGroups.get(id) : undefined;
      if (!g || g.teamId !== teamId || (g.disabled && !booleanParam(ctx.params, 'include_disabled')))
        throw new SlackApiError('no_such_subteam');
      return { users: [...g.members] };
    },
  },
};
