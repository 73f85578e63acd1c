// /api/v1/stacks/{id}/runs: reading needs read access; trigger, confirm, discard, stop and cancel need write.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../domain/services.js';
import { subjectOf } from '../auth.js';
import { presentRun } from '../presenters.js';
import { runTriggerSchema } from '../schemas.js';
import { intQuery, parseBody, slugParam, ulidParam } from '../validation.js';

const emptyBody = z.strictObject({});

type StackParams = { Params: { id: string } };
type RunParams = { Params: { id: string; runId: string } };

export function runRoutes(app: FastifyInstance, services: Services) {
  app.post<StackParams>('/api/v1/stacks/:id/runs', async (request, reply) => {
    const subject = subjectOf(request);
    const id = slugParam('id', request.params.id);
    const body = parseBody(runTriggerSchema, request.body);
    const commit = body.commit
      ? { hash: body.commit.hash, message: body.commit.message ?? '', author: body.commit.author ?? '' }
      : null;
    const run = await services.runs.trigger(subject, id, commit);
    return reply.status(201).send(presentRun(run));
  });

  app.get<StackParams & { Querystring: { limit?: string } }>('/api/v1/stacks/:id/runs', async (request) => {
    const subject = subjectOf(request);
    const limit = intQuery('limit', request.query.limit, 1, 500, 50);
    const runs = await services.runs.list(subject, slugParam('id', request.params.id), limit);
    return runs.map(presentRun);
  });

  app.get<RunParams>('/api/v1/stacks/:id/runs/:runId', async (request) => {
    const { id, runId } = request.params;
    const run = await services.runs.get(subjectOf(request), slugParam('id', id), ulidParam('runId', runId));
    return presentRun(run);
  });

  for (const action of ['confirm', 'discard', 'stop', 'cancel'] as const) {
    app.post<RunParams>(`/api/v1/stacks/:id/runs/:runId/${action}`, async (request) => {
      const { id, runId } = request.params;
      parseBody(emptyBody, request.body);
      const run = await services.runs[action](
        subjectOf(request),
        slugParam('id', id),
        ulidParam('runId', runId),
      );
      return presentRun(run);
    });
  }

  app.get<RunParams & { Querystring: { after?: string } }>(
    '/api/v1/stacks/:id/runs/:runId/logs',
    async (request) => {
      const { id, runId } = request.params;
      const after = intQuery('after', request.query.after, 0, Number.MAX_SAFE_INTEGER, 0);
      const { run, chunks } = await services.runs.logs(
        subjectOf(request),
        slugParam('id', id),
        ulidParam('runId', runId),
        after,
      );
      // Consecutive chunks of one phase are merged; `cursor` is passed back as `?after=` to follow a live run.
      const logs: Array<{ phase: string; text: string }> = [];
      for (const chunk of chunks) {
        const last = logs[logs.length - 1];
        if (last && last.phase === chunk.phase) last.text += chunk.text;
        else logs.push({ phase: chunk.phase, text: chunk.text });
      }
      return {
        run_id: run.id,
        state: run.state,
        cursor: chunks.length > 0 ? chunks[chunks.length - 1]!.id : after,
        logs,
      };
    },
  );
}
