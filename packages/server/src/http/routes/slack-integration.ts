// The Slack integration's HTTP side (docs/slack.md): the app manifest, linking a workspace and its status.
//   GET    /slack/manifest               the app manifest for this deployment (always served)
//   GET    /slack/install                admin: starts the OAuth exchange (redirect to Slack)
//   GET    /slack/oauth_redirect         the OAuth callback (a result page)
//   GET    /api/v1/integrations/slack    status; DELETE (admin) revokes the bot token and disconnects
// Without SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET the integration is off: the manifest and the
// status still answer (the status says `configured: false`); /slack/events, /slack/install and
// /slack/oauth_redirect answer 503 slack_not_configured. POST /slack/events itself is the Slack adapter's receiver
// (slack/inbound/receiver.ts): it authenticates Slack by signature, not a Liftoff key.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Subject } from '../../domain/subjects.js';
import { authenticate, requireAdmin, subjectOf } from '../auth.js';
import { errorBody } from '../errors.js';

export const STATUS_PATH = '/api/v1/integrations/slack';
const EVENTS_PATH = '/slack/events';
const INSTALL_PATH = '/slack/install';
const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';

/** What the Slack adapter (slack/app.ts) offers the HTTP API. */
export interface SlackIntegration {
  /** All three Slack credentials are set. */
  readonly configured: boolean;
  manifest(): unknown;
  status(): Promise<unknown>;
  /** Revokes the bot token and deactivates the installation; answers the new status. */
  disconnect(by: Subject): Promise<unknown>;
  /** Starts OAuth on the raw request: redirects to Slack's authorize page. */
  startInstall(request: IncomingMessage, response: ServerResponse, installedBy: string): Promise<void>;
  /** The OAuth callback on the raw request: stores the installation, answers with a result page. */
  finishInstall(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

export function slackIntegrationRoutes(app: FastifyInstance, services: Services, slack: SlackIntegration) {
  app.get('/slack/manifest', async () => slack.manifest());

  app.get(STATUS_PATH, async (request) => {
    subjectOf(request);
    return slack.status();
  });

  app.delete(STATUS_PATH, async (request) => slack.disconnect(requireAdmin(request)));

  if (!slack.configured) {
    const off = async (_request: FastifyRequest, reply: FastifyReply) =>
      reply
        .status(503)
        .send(
          errorBody(
            'slack_not_configured',
            'the Slack integration is off: set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET (see GET /slack/manifest)',
          ),
        );
    app.post(EVENTS_PATH, off);
    app.get(INSTALL_PATH, off);
    app.get(OAUTH_REDIRECT_PATH, off);
    return;
  }

  // Outside /api/, so the API's hook has not authenticated: an admin key or a signed-in browser session.
  app.get(INSTALL_PATH, async (request, reply) => {
    request.subject = await authenticate(request, services.apiKeys);
    const subject = requireAdmin(request);
    reply.hijack();
    await slack.startInstall(request.raw, reply.raw, subject.actor);
  });

  app.get(OAUTH_REDIRECT_PATH, async (request, reply) => {
    reply.hijack();
    await slack.finishInstall(request.raw, reply.raw);
  });
}
