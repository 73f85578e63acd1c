// Live updates for the UI over server-sent events.
//   GET /api/v1/stacks/{id}/runs/{runId}/events  one run: `run` (the run) on every change, `log` (a log chunk,
//       id = chunk id) as output arrives, `end` once the run is terminal and its output drained.
//   GET /api/v1/events[?stack=<id>]               `run` for every state change of runs the caller may read.
// Both poll the database (the runner may be another process: LIFTOFF_RUNNER=off, several instances) and are
// woken at once by in-process state changes, so updates are immediate with the embedded runner.
import type { FastifyInstance } from 'fastify';
import type { RunEventFeed } from '../../domain/runs.js';
import type { Services } from '../../domain/services.js';
import type { Stack } from '../../domain/stacks.js';
import { isTerminal } from '../../domain/run-states.js';
import { SYSTEM, type Subject } from '../../domain/subjects.js';
import { subjectOf } from '../auth.js';
import { presentRun } from '../presenters.js';
import { slugParam, ulidParam } from '../validation.js';
import { SseStream, type SseHub } from '../sse.js';

const RUN_POLL_MS = 500;
const FEED_POLL_MS = 1000;
/** How long a read-access decision is trusted by a long-lived stream before it is asked again. */
const ACCESS_TTL_MS = 10_000;

/** Runs `step` one at a time; a wake-up during a step schedules exactly one more. */
function serialized(step: () => Promise<void>) {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await step();
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      return run();
    }
  };
  return run;
}

function lastEventId(header: string | string[] | undefined): number {
  const n = Number(Array.isArray(header) ? header[0] : header);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

export function eventRoutes(
  app: FastifyInstance,
  deps: { services: Services; runEvents: RunEventFeed; hub: SseHub },
) {
  const { services, runEvents, hub } = deps;

  app.get<{ Params: { id: string; runId: string } }>(
    '/api/v1/stacks/:id/runs/:runId/events',
    async (request, reply) => {
      const subject = subjectOf(request);
      const stackId = slugParam('id', request.params.id);
      const runId = ulidParam('runId', request.params.runId);
      // Checks read access (404 otherwise) before the stream opens, so errors are ordinary JSON responses.
      await services.runs.get(subject, stackId, runId);

      const stream = new SseStream(reply, hub);
      let cursor = lastEventId(request.headers['last-event-id']);
      let lastSeen = '';
      let terminalTicks = 0;
      let accessCheckedAt = Date.now();

      const tick = serialized(async () => {
        if (stream.isClosed) return;
        try {
          if (Date.now() - accessCheckedAt > ACCESS_TTL_MS) {
            await services.runs.get(subject, stackId, runId);
            accessCheckedAt = Date.now();
          }
          const { run, chunks } = await services.runs.logs(SYSTEM, stackId, runId, cursor);
          for (const chunk of chunks) {
            cursor = chunk.id;
            stream.send('log', chunk, cursor);
          }
          const seen = `${run.state}|${run.updated_at}|${run.history.length}`;
          if (seen !== lastSeen) {
            lastSeen = seen;
            stream.send('run', presentRun(run), cursor);
          }
          // One more poll after the terminal state picks up output written just before the final transition.
          if (isTerminal(run.state) && chunks.length === 0 && ++terminalTicks >= 2) {
            stream.send('end', null, cursor);
            stream.close();
          }
        } catch {
          // Access revoked, run deleted with its stack, or the database went away: the client reconnects if it can.
          stream.close();
        }
      });

      const timer = setInterval(() => void tick(), RUN_POLL_MS);
      const unsubscribe = services.runs.onStateChanged((change) => {
        if (change.run.id === runId) void tick();
      });
      stream.onClose(() => {
        clearInterval(timer);
        unsubscribe();
      });
      await tick();
    },
  );

  app.get<{ Querystring: { stack?: string } }>('/api/v1/events', async (request, reply) => {
    const subject = subjectOf(request);
    const only = request.query.stack === undefined ? undefined : slugParam('stack', request.query.stack);
    if (only !== undefined) await services.runs.readableStack(subject, only);

    // Start after the newest outbox event, or where a reconnecting browser left off.
    let cursor = lastEventId(request.headers['last-event-id']);
    if (cursor === 0) cursor = await runEvents.latestId();

    const stream = new SseStream(reply, hub);
    const readable = new Map<string, { ok: boolean; at: number }>();
    const mayRead = async (stack: Stack, who: Subject) => {
      if (who.admin) return true;
      const cached = readable.get(stack.id);
      if (cached && Date.now() - cached.at < ACCESS_TTL_MS) return cached.ok;
      const ok = (await services.access.decide(who, stack)).level !== 'none';
      readable.set(stack.id, { ok, at: Date.now() });
      return ok;
    };

    const tick = serialized(async () => {
      if (stream.isClosed) return;
      try {
        const rows = await runEvents.after(cursor, {
          ...(only !== undefined ? { stackId: only } : {}),
          limit: 500,
        });
        if (rows.length === 0) return;
        cursor = rows[rows.length - 1]!.id;
        // Several changes of one run in one poll: its current state says it all.
        const latest = new Map<string, { id: number; stack_id: string }>();
        for (const row of rows) latest.set(row.run_id, { id: row.id, stack_id: row.stack_id });
        for (const [runId, { id, stack_id }] of latest) {
          const stack = await services.stacks.find(stack_id);
          if (!stack || !(await mayRead(stack, subject))) continue;
          const run = await services.runs.get(SYSTEM, stack_id, runId).catch(() => undefined);
          if (run) stream.send('run', presentRun(run), id);
        }
      } catch {
        stream.close();
      }
    });

    const timer = setInterval(() => void tick(), FEED_POLL_MS);
    const unsubscribe = services.runs.onStateChanged((change) => {
      if (only === undefined || change.run.stack_id === only) void tick();
    });
    stream.onClose(() => {
      clearInterval(timer);
      unsubscribe();
    });
  });
}
