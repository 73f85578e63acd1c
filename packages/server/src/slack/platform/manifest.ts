// The Slack app manifest for this deployment (docs/slack.md): paste it into "Create an app → From a manifest", then give
// Liftoff the app's client id, client secret and signing secret.

export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'channels:read',
  'groups:read',
  'team:read',
] as const;

/** Where Slack sends commands, clicks and events (slack/inbound/receiver.ts). */
export const EVENTS_PATH = '/slack/events';
export const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';
export const INSTALL_PATH = '/slack/install';

export function appManifest(publicUrl: string, command: string) {
  const events = `${publicUrl}${EVENTS_PATH}`;
  return {
    display_information: {
      name: 'Liftoff',
      description: 'Plan, confirm and apply infrastructure stacks from Slack.',
      background_color: '#1d2433',
    },
    features: {
      bot_user: { display_name: 'Liftoff', always_online: true },
      slash_commands: [
        {
          command,
          url: events,
          description: 'Subscribe this channel to a stack, trigger runs, list stacks',
          usage_hint: 'subscribe <stack> | unsubscribe <stack> | trigger <stack> | list | help',
          should_escape: false,
        },
      ],
    },
    oauth_config: {
      redirect_urls: [`${publicUrl}${OAUTH_REDIRECT_PATH}`],
      scopes: { bot: [...BOT_SCOPES] },
    },
    settings: {
      event_subscriptions: { request_url: events, bot_events: ['app_uninstalled', 'tokens_revoked'] },
      interactivity: { is_enabled: true, request_url: events },
      org_deploy_enabled: true,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}
