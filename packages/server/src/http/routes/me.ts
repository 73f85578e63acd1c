// "What may I do": the UI offers only the actions the access policies allow, using the same decision as the API.
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../domain/errors.js';
import type { Services } from '../../domain/services.js';
import type { Stack } from '../../domain/stacks.js';
import { SYSTEM, type Subject } from '../../domain/subjects.js';
import { subjectOf } from '../auth.js';
import { presentRun, presentStack } from '../presenters.js';
import { slugParam } from '../validation.js';

type UiAccess = 'none' | 'read' | 'write' | 'admin';

async function accessTo(services: Services, subject: Subject, stack: Stack): Promise<UiAccess> {
  if (subject.admin) return 'admin';
  return (await services.access.decide(subject, stack)).level;
}

export function accessRoutes(app: FastifyInstance, services: Services) {
  // Stacks the caller can read, each with the caller's access and its latest run: the stacks list in one request.
  app.get('/api/v1/me/stacks', async (request) => {
    const subject = subjectOf(request);
    const out = [];
    for (const stack of await services.stacks.list()) {
      const access = await accessTo(services, subject, stack);
      if (access === 'none') continue;
      // Access was decided above; reading the latest run as SYSTEM avoids evaluating the policies twice.
      const [latest] = await services.runs.list(SYSTEM, stack.id, 1);
      out.push({
        ...presentStack(stack, subject.admin),
        access,
        latest_run: latest ? presentRun(latest) : null,
      });
    }
    return out;
  });

  app.get<{ Params: { id: string } }>('/api/v1/stacks/:id/access', async (request) => {
    const subject = subjectOf(request);
    const id = slugParam('id', request.params.id);
    const stack = await services.stacks.find(id);
    const access = stack ? await accessTo(services, subject, stack) : 'none';
    // Same answer for "does not exist" and "may not read", as everywhere else.
    if (access === 'none') throw new NotFoundError('stack_not_found', `stack ${id} does not exist`);
    return { access };
  });
}
