// /api/v1/stacks: reading needs read access (policies); creating and changing stacks is admin-only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { StackFields } from '../../domain/stacks.js';
import { NotFoundError } from '../../domain/errors.js';
import { requireAdmin, subjectOf } from '../auth.js';
import { HttpError } from '../errors.js';
import { presentStack } from '../presenters.js';
import { stackCreateSchema, stackPatchSchema } from '../schemas.js';
import { parseBody, slugParam } from '../validation.js';

type IdParams = { Params: { id: string } };

/**
 * Admin-only actions on a stack. A non-admin who cannot read the stack gets 404 (existence is not disclosed);
 * one who can gets 403.
 */
export async function requireStackAdmin(request: FastifyRequest, services: Services, stackId: string) {
  const subject = subjectOf(request);
  if (subject.admin) return subject;
  const stack = await services.stacks.find(stackId);
  if (!stack || (await services.access.decide(subject, stack)).level === 'none') {
    throw new NotFoundError('stack_not_found', `stack ${stackId} does not exist`);
  }
  await services.audit.denied(subject, 'stack.admin', `stack:${stackId}`, 'admin required');
  throw new HttpError(403, 'admin_required', 'this action requires an admin API key');
}

export function stackRoutes(app: FastifyInstance, services: Services) {
  app.get('/api/v1/stacks', async (request) => {
    const subject = subjectOf(request);
    const stacks = await services.stacks.list();
    if (subject.admin) return stacks.map((s) => presentStack(s, true));
    const visible = [];
    for (const stack of stacks) {
      if ((await services.access.decide(subject, stack)).level !== 'none')
        visible.push(presentStack(stack, false));
    }
    return visible;
  });

  app.post('/api/v1/stacks', async (request, reply) => {
    const subject = requireAdmin(request);
    const body = parseBody(stackCreateSchema, request.body);
    const fields: StackFields & { id: string } = {
      id: body.id,
      name: body.name ?? body.id,
      description: body.description ?? '',
      labels: body.labels ?? [],
      repository: body.repository ?? null,
      branch: body.branch ?? null,
      project_root: body.project_root ?? null,
      autodeploy: body.autodeploy ?? false,
      administrative: body.administrative ?? false,
      tool: body.tool ?? null,
      commands: body.commands
        ? { init: body.commands.init ?? null, plan: body.commands.plan, apply: body.commands.apply }
        : null,
      env: body.env ?? {},
      locked_by: null,
      namespace: body.namespace ?? null,
      terraform_version: body.terraform_version ?? null,
    };
    const stack = await services.stacks.create(subject, fields);
    return reply.status(201).send(presentStack(stack, true));
  });

  app.get<IdParams>('/api/v1/stacks/:id', async (request) => {
    const subject = subjectOf(request);
    const stack = await services.runs.readableStack(subject, slugParam('id', request.params.id));
    return presentStack(stack, subject.admin);
  });

  app.patch<IdParams>('/api/v1/stacks/:id', async (request) => {
    const id = slugParam('id', request.params.id);
    const subject = await requireStackAdmin(request, services, id);
    const body = parseBody(stackPatchSchema, request.body);
    const patch: Partial<StackFields> = { ...body } as Partial<StackFields>;
    if (body.commands) {
      const current = (await services.stacks.get(id)).commands;
      const plan = body.commands.plan ?? current?.plan;
      const apply = body.commands.apply ?? current?.apply;
      if (plan === undefined || apply === undefined) {
        // Partial commands change the stack's own commands; a stack on its tool's workflow has none to keep.
        throw new HttpError(
          400,
          'invalid_body',
          `body.commands.${plan === undefined ? 'plan' : 'apply'}: required: the stack runs its tool's standard workflow, so custom commands need both plan and apply`,
        );
      }
      patch.commands = {
        init: body.commands.init === undefined ? (current?.init ?? null) : body.commands.init,
        plan,
        apply,
      };
    }
    return presentStack(await services.stacks.update(subject, id, patch), true);
  });

  app.delete<IdParams>('/api/v1/stacks/:id', async (request, reply) => {
    const id = slugParam('id', request.params.id);
    const subject = await requireStackAdmin(request, services, id);
    await services.stacks.delete(subject, id);
    return reply.status(204).send();
  });
}
