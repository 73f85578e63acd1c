// Contract between the web UI's Settings → Slack screen (packages/web/src/pages/SlackSettings.tsx) and the Slack
// app, which implements these routes. The UI asks for GET /api/v1/integrations/slack only once the route exists
// (GET /auth/session → features.slack); until then it shows the "not configured" state from the environment.
//
// GET /api/v1/integrations/slack (admin; session cookie or bearer) → 200 SlackIntegrationStatus, in one of three states:
//   1. not configured  {connected: false, configured: false}
//        The UI lists SLACK_CLIENT_ID / SLACK_CLIENT_SECRET / SLACK_SIGNING_SECRET, marking the missing ones
//        (`missing_env` if given, else /auth/session's slack_missing_env), and offers the manifest from
//        GET /slack/manifest (JSON) to paste into Slack.
//   2. not linked      {connected: false, configured: true, deactivated_reason?, deactivated_at?}
//        The UI links "Connect to Slack" to GET /slack/install (a full page navigation, not fetch); a
//        deactivated_reason (uninstalled, token revoked, disconnected) is shown as why the earlier link ended.
//   3. linked          {connected: true, configured: true, team, enterprise, scopes, installed_by, installed_at,
//                       bot_user_id}
//        The UI shows "Liftoff is integrated with <enterprise.name ?? team.name>", scopes, who linked it and when,
//        and Disconnect → DELETE /api/v1/integrations/slack (200 with the new status, or 204), then reloads.
//
// OAuth return: the session cookie is SameSite=Strict, so it is NOT sent on the redirect chain that starts at
// slack.com. /slack/oauth_redirect must not depend on the cookie (the OAuth `state` carries who started it), and it
// should answer with a page (e.g. "Connected to <workspace>" + a link to /settings/slack) rather than a 302 to the
// UI: a 302 would arrive cookie-less and show the sign-in screen. A same-site link click then carries the cookie.
//
// GET /api/v1/stacks/{id}/subscriptions (read access) → 200 [{channel_id, channel_name?, created_by, created_at}]
//   The stack page lists these when the route exists (features.subscriptions).

export interface SlackIntegrationStatus {
  connected: boolean;
  configured: boolean;
  /** Of SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET (optional; see above). */
  missing_env?: string[];
  team?: { id: string; name: string } | null;
  /** Enterprise Grid org, when the installation is org-wide. */
  enterprise?: { id: string; name: string } | null;
  /** Bot scopes granted. */
  scopes?: string[];
  /** Login of the admin who linked it (e.g. "admin", "api::01H…"). */
  installed_by?: string | null;
  /** ISO 8601. */
  installed_at?: string | null;
  bot_user_id?: string | null;
  /** Why an earlier link stopped working; with connected: false. */
  deactivated_reason?: string | null;
  deactivated_at?: string | null;
}

export interface SlackSubscription {
  channel_id: string;
  channel_name?: string;
  created_by: string;
  created_at: string;
}
