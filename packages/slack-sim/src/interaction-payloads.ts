import type { Store } from './store.js';
import type { App, User } from './types.js';

// The parts every interactivity payload shares (who acted, in which workspace and org), in the
// shapes Slack sends: block_actions, shortcut, view_submission, view_closed, block_suggestion.
// https://docs.slack.dev/reference/interaction-payloads

export interface Actor {
  app: App;
  user: User;
  teamId: string;
  isEnterpriseInstall: boolean;
}

export function teamPart(store: Store, teamId: string): Record<string, unknown> {
  const team = store.team(teamId);
  const enterprise = team.enterpriseId ? store.enterprise(team.enterpriseId) : null;
  return {
    id: team.id,
    domain: team.domain,
    ...(enterprise ? { enterprise_id: enterprise.id, enterprise_name: enterprise.name } : {}),
  };
}

export function enterprisePart(store: Store, teamId: string): { id: string; name: string } | null {
  const team = store.team(teamId);
  return team.enterpriseId ? { id: team.enterpriseId, name: store.enterprise(team.enterpriseId).name } : null;
}

export function userPart(user: User): Record<string, unknown> {
  return { id: user.id, username: user.name, name: user.name, team_id: user.teamId };
}

/** The fields of an interaction payload after `type`, in the order Slack sends them. */
export function interactionBase(store: Store, actor: Actor): Record<string, unknown> {
  return {
    team: teamPart(store, actor.teamId),
    user: userPart(actor.user),
    api_app_id: actor.app.id,
    token: actor.app.verificationToken,
  };
}

/** The closing fields of an interaction payload: org context. */
export function orgContext(store: Store, actor: Actor): Record<string, unknown> {
  return {
    is_enterprise_install: actor.isEnterpriseInstall,
    enterprise: enterprisePart(store, actor.teamId),
  };
}
