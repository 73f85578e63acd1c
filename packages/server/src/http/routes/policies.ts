// /api/v1/policies and attachments: admin-only.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/services.js';
import { requireAdmin } from '../auth.js';
import { presentPolicy } from '../presenters.js';
import { policyCreateSchema, policyPatchSchema } from '../schemas.js';
import { parseBody, slugParam } from '../validation.js';
import { requireStackAdmin } from './stacks.js';

type IdParams = { Params: { id: string } };
type AttachParams = { Params: { id: string; policyId: string } };

export function policyRoutes(app: FastifyInstance, services: Services) {
  app.get('/api/v1/policies', async (request) => {
    requireAdmin(request);
    return (await services.policies.list()).map((p) => presentPolicy(p));
  });

  app.post('/api/v1/policies', async (request, reply) => {
    const subject = requireAdmin(request);
    const body = parseBody(policyCreateSchema, request.body);
    const policy = await services.policies.create(subject, {
      id: body.id,
      name: body.name ?? body.id,
      type: body.type,
      body: body.body,
      rego_version: body.rego_version ?? 'v1',
      labels: body.labels ?? [],
    });
    return reply.status(201).send(presentPolicy(policy));
  });

  app.get<IdParams>('/api/v1/policies/:id', async (request) => {
    requireAdmin(request);
    return presentPolicy(await services.policies.get(slugParam('id', request.params.id)));
  });

  app.patch<IdParams>('/api/v1/policies/:id', async (request) => {
    const subject = requireAdmin(request);
    const id = slugParam('id', request.params.id);
    const body = parseBody(policyPatchSchema, request.body);
    return presentPolicy(await services.policies.update(subject, id, body));
  });

  app.delete<IdParams>('/api/v1/policies/:id', async (request, reply) => {
    const subject = requireAdmin(request);
    await services.policies.delete(subject, slugParam('id', request.params.id));
    return reply.status(204).send();
  });

  app.get<IdParams>('/api/v1/stacks/:id/policies', async (request) => {
    const id = slugParam('id', request.params.id);
    await requireStackAdmin(request, services, id);
    await services.stacks.get(id);
    return services.policies.attachments(id);
  });

  app.put<AttachParams>('/api/v1/stacks/:id/policies/:policyId', async (request, reply) => {
    const id = slugParam('id', request.params.id);
    const policyId = slugParam('policyId', request.params.policyId);
    const subject = await requireStackAdmin(request, services, id);
    await services.stacks.get(id);
    await services.policies.attach(subject, id, policyId);
    return reply.status(204).send();
  });

  app.delete<AttachParams>('/api/v1/stacks/:id/policies/:policyId', async (request, reply) => {
    const id = slugParam('id', request.params.id);
    const policyId = slugParam('policyId', request.params.policyId);
    const subject = await requireStackAdmin(request, services, id);
    await services.stacks.get(id);
    await services.policies.detach(subject, id, policyId);
    return reply.status(204).send();
  });
}
