import type { Control } from './control.js';
import type { App, Channel, Team, User } from './types.js';

export interface DemoWorkspace {
  team: Team;
  users: { alice: User; bob: User };
  channels: { devNotifications: Channel; random: Channel; general: Channel };
  app: App;
}

export interface DemoOptions {
  /** The app's request URL (commands, interactivity, events), e.g. `http://127.0.0.1:3000/slack/events`. */
  requestUrl?: string;
  /** The app's OAuth redirect URL, e.g. `http://127.0.0.1:3000/slack/oauth_redirect`. */
  redirectUrl?: string;
  clientId?: string;
  clientSecret?: string;
  signingSecret?: string;
}

/**
 * The demo workspace: team "Acme" with alice (admin) and bob, #general and #random (public, both
 * members) and #dev-notifications (private, alice only), and a "Liftoff" app ready for OAuth.
 */
export function seedDemo(control: Control, options: DemoOptions = {}): DemoWorkspace {
  const team = control.createTeam({ name: 'Acme', domain: 'acme' });
  const alice = control.createUser({
    teamId: team.id,
    name: 'alice',
    realName: 'Alice Admin',
    isAdmin: true,
    isOwner: true,
    has2fa: true,
  });
  const bob = control.createUser({ teamId: team.id, name: 'bob', realName: 'Bob Builder', has2fa: false });
  const general = control.createChannel({
    teamId: team.id,
    name: 'general',
    members: [alice.id, bob.id],
    isGeneral: true,
  });
  const random = control.createChannel({ teamId: team.id, name: 'random', members: [alice.id, bob.id] });
  const devNotifications = control.createChannel({
    teamId: team.id,
    name: 'dev-notifications',
    isPrivate: true,
    members: [alice.id],
  });
  const app = control.createApp({
    name: 'Liftoff',
    requestUrl: options.requestUrl ?? null,
    redirectUrls: options.redirectUrl ? [options.redirectUrl] : [],
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
    ...(options.signingSecret ? { signingSecret: options.signingSecret } : {}),
  });
  control.setOAuthApproval({ decision: 'approve', userId: alice.id, teamId: team.id });
  return { team, users: { alice, bob }, channels: { devNotifications, random, general }, app };
}
