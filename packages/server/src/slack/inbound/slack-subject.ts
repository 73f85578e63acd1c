// A Slack request as a domain Subject: actor `slack:<user id>`, never an admin, with the `slack` input document of
// docs/policies.md (a contract: field names exactly as there; unknown booleans false; `enterprise` only on
// Enterprise Grid).
import type { JsonObject } from '../../domain/json.js';
import type { Subject } from '../../domain/subjects.js';
import type { SlackRequest } from '../platform/request.js';
import type { SlackUser } from '../platform/user-directory.js';

/** The part of a request the input document shows: the user is the one users.info answered for. */
type RequestInput = Pick<SlackRequest, 'command' | 'team' | 'channel'>;

export function slackInput(user: SlackUser, request: RequestInput): JsonObject {
  const u: JsonObject = {
    id: user.id,
    deleted: user.deleted === true,
    display_name: user.profile?.display_name ?? '',
    has_2fa: user.has_2fa === true,
    is_admin: user.is_admin === true,
    is_owner: user.is_owner === true,
    is_primary_owner: user.is_primary_owner === true,
    is_restricted: user.is_restricted === true,
    is_ultra_restricted: user.is_ultra_restricted === true,
    is_stranger: user.is_stranger === true,
    real_name: user.real_name ?? user.profile?.real_name ?? '',
    tz: user.tz ?? '',
  };
  const e = user.enterprise_user;
  if (e) {
    u.enterprise = {
      id: e.id ?? user.id,
      enterprise_id: e.enterprise_id ?? '',
      enterprise_name: e.enterprise_name ?? '',
      is_admin: e.is_admin === true,
      is_owner: e.is_owner === true,
      teams: [...(e.teams ?? [])],
    };
  }
  return {
    slack: {
      command: request.command,
      user: u,
      team: { id: request.team.id, name: request.team.name },
      channel: { id: request.channel.id, name: request.channel.name },
    },
  };
}

export function slackActor(userId: string): string {
  return `slack:${userId}`;
}

export function slackSubject(user: SlackUser, request: RequestInput): Subject {
  return {
    actor: slackActor(user.id),
    admin: false,
    channel: request.channel.id,
    input: slackInput(user, request),
  };
}
