// The Fastify application: authentication, every route (routes/), error mapping, metrics. The Slack adapter's
// receiver (POST /slack/events, signed by Slack) plugs in as a Fastify plugin.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import type { Logger } from 'pino';
import type { Services } from '../domain/services.js';
import type { Metrics } from '../metrics.js';
import { authenticate } from './auth.js';
import { errorBody, handleError } from './errors.js';
import { openApiDocument } from './openapi.js';
import { adminRoutes } from './routes/admin.js';
import { policyRoutes } from './routes/policies.js';
import { runRoutes } from './routes/runs.js';
import { slackDeliveryRoutes, type SlackDeliveries } from './routes/slack-deliveries.js';
import { slackIntegrationRoutes, type SlackIntegration } from './routes/slack-integration.js';
import { stackRoutes } from './routes/stacks.js';
import { subscriptionRoutes, type ChannelSubscriptions } from './routes/subscriptions.js';
import { webUi, type WebUiOptions } from './web-ui.js';

export const BODY_LIMIT = 1024 * 1024;

export interface HttpOptions {
  services: Services;
  metrics: Metrics;
  logger: Logger;
  publicUrl: string;
  /** Fastify trustProxy: which proxies' X-Forwarded-For to believe for `request.ip`. */
  trustProxy?: boolean | string[];
  /** The web UI's sessions, live events and built SPA. */
  web: Omit<WebUiOptions, 'services'>;
  /** The Slack integration's routes; `deliveries` where this process delivers run messages. */
  slack: {
    integration: SlackIntegration;
    subscriptions: ChannelSubscriptions;
    deliveries?: SlackDeliveries;
  };
  /** Extra plugins (the Slack receiver; tests), registered after the routes. */
  plugins?: FastifyPluginAsync[];
  /** Readiness probe behind /healthz (the database); throws when not ready. */
  healthCheck?: () => Promise<void>;
}

const PUBLIC_API_PATHS = new Set(['/api/v1/openapi.json']);

export async function buildHttpServer(options: HttpOptions): Promise<FastifyInstance> {
  const { services, metrics } = options;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    // Fastify's two lines per request are replaced by one debug line in onResponse (cheaper, no headers logged).
    logController: new LogController({ disableRequestLogging: true }),
    // Ids are ULIDs and slugs; anything longer is garbage and answered without routing work.
    routerOptions: { maxParamLength: 200 },
  });

  app.decorateRequest('subject', null);
  // An empty JSON body counts as no body: clients commonly send `Content-Type: application/json` on action POSTs
  // (trigger, confirm) without one. Everything else goes through Fastify's parser (prototype-poisoning checks).
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    jsonParser(request, text, done);
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );

  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (path.startsWith('/api/') && !PUBLIC_API_PATHS.has(path)) {
      request.subject = await authenticate(request, services.apiKeys);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500)
      options.logger.error({ method: request.method, route, status: reply.statusCode }, 'request failed');
  });

  // A load balancer should stop sending traffic to an instance that cannot reach its database.
  app.get('/healthz', async (request, reply) => {
    try {
      await options.healthCheck?.();
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ err }, 'health check failed');
      return reply.status(503).send({
        status: 'unavailable',
        error: { code: 'database_unavailable', message: 'the database is unreachable' },
      });
    }
  });
  app.get('/api/v1/openapi.json', async () => openApiDocument(options.publicUrl));
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(await metrics.render()),
  );

  stackRoutes(app, services);
  policyRoutes(app, services);
  runRoutes(app, services);
  adminRoutes(app, services);
  // The web UI always rides along: it only adds routes (and serves packages/web/dist when built).
  await app.register(webUi({ services, ...options.web }));
  slackIntegrationRoutes(app, services, options.slack.integration);
  subscriptionRoutes(app, { services, subscriptions: options.slack.subscriptions });
  if (options.slack.deliveries) slackDeliveryRoutes(app, options.slack.deliveries);

  for (const plugin of options.plugins ?? []) await app.register(plugin);
  return app;
}
