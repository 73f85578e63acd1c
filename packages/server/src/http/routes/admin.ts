// Admin routes: API keys and the audit log.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/services.js';
import { requireAdmin } from '../auth.js';
import { presentApiKey } from '../presenters.js';
import { apiKeyCreateSchema } from '../schemas.js';
import { intQuery, parseBody, ulidParam } from '../validation.js';

export function adminRoutes(app: FastifyInstance, services: Services) {
  app.post('/api/v1/api-keys', async (request, reply) => {
    const subject = requireAdmin(request);
    const body = parseBody(apiKeyCreateSchema, request.body);
    const { key, secret } = await services.apiKeys.create(subject, {
      name: body.name,
      admin: body.admin ?? false,
      teams: body.teams ?? [],
      ...(body.login ? { login: body.login } : {}),
    });
    // The only time the secret is ever shown.
    return reply.status(201).send({ ...presentApiKey(key), secret });
  });

  app.get('/api/v1/api-keys', async (request) => {
    requireAdmin(request);
    return (await services.apiKeys.list()).map(presentApiKey);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/api-keys/:id', async (request, reply) => {
    const subject = requireAdmin(request);
    await services.apiKeys.delete(subject, ulidParam('id', request.params.id));
    return reply.status(204).send();
  });

  app.get<{ Querystring: { limit?: string; before?: string } }>('/api/v1/audit-events', async (request) => {
    requireAdmin(request);
    const limit = intQuery('limit', request.query.limit, 1, 1000, 100);
    const before =
      request.query.before === undefined
        ? undefined
        : intQuery('before', request.query.before, 1, Number.MAX_SAFE_INTEGER, 1);
    return services.audit.list(limit, before);
  });
}
