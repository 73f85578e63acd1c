// Acceptance: the run lifecycle over the REST API with an embedded runner and real `sh` commands.
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { backendSchema, type PgSchema } from '../helpers/postgres.js';
import { startServer, waitFor, stackBody, type RunJson, type TestServer } from '../helpers/server.js';

for (const backend of ['SQLite', 'PostgreSQL'] as const)
  describe(`runs over HTTP (${backend})`, () => {
    let s: TestServer;
    let pg: PgSchema | undefined;
    let skip: string | undefined;
    before(async () => {
      ({ pg, skip } = await backendSchema(backend));
      if (skip) return;
      s = await startServer(pg ? { databaseUrl: pg.url } : {});
    });
    after(async () => {
      await s?.close();
      await pg?.drop();
    });
    // Skipped (outside CI) when PostgreSQL is unreachable.
    const it = (name: string, fn: () => Promise<void>) => test(name, (t) => (skip ? t.skip(skip) : fn()));

    it('README path: plan with changes → UNCONFIRMED with delta → confirm → FINISHED', async () => {
      assert.equal((await s.api('POST', '/api/v1/stacks', stackBody('readme'))).status, 201);
      const trig = await s.api<RunJson>('POST', '/api/v1/stacks/readme/runs');
      assert.equal(trig.status, 201);
      assert.equal(trig.body.state, 'QUEUED');
      const unconfirmed = await s.waitForRun('readme', trig.body.id, ['UNCONFIRMED', 'FAILED']);
      assert.equal(unconfirmed.state, 'UNCONFIRMED');
      assert.deepEqual(unconfirmed.delta, { add: 1, change: 0, destroy: 0 });
      // As curl sends it with -H 'Content-Type: application/json' and no -d: an empty JSON body is accepted.
      const confirmed = await s.api<RunJson>(
        'POST',
        `/api/v1/stacks/readme/runs/${trig.body.id}/confirm`,
        '',
      );
      assert.equal(confirmed.status, 200);
      assert.equal(confirmed.body.state, 'CONFIRMED');
      const done = await s.waitForRun('readme', trig.body.id, ['FINISHED', 'FAILED']);
      assert.equal(done.state, 'FINISHED');
      assert.deepEqual(
        done.history.map((h) => h.state),
        [
          'QUEUED',
          'PREPARING',
          'INITIALIZING',
          'PLANNING',
          'UNCONFIRMED',
          'CONFIRMED',
          'APPLYING',
          'FINISHED',
        ],
      );
      assert.equal(done.history.find((h) => h.state === 'CONFIRMED')?.by, 'admin');
      const logs = await s.api<{ logs: Array<{ phase: string; text: string }> }>(
        'GET',
        `/api/v1/stacks/readme/runs/${trig.body.id}/logs`,
      );
      const phases = logs.body.logs.map((l) => l.phase);
      assert.ok(
        phases.includes('plan') && phases.includes('apply') && phases.includes('init'),
        phases.join(','),
      );
      assert.match(logs.body.logs.find((l) => l.phase === 'plan')!.text, /Plan: 1 to add/);
      const stack = await s.api<{ state: string }>('GET', '/api/v1/stacks/readme');
      assert.equal(stack.body.state, 'FINISHED');
    });

    it('discard', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('discard-me'));
      const run = (await s.api<RunJson>('POST', '/api/v1/stacks/discard-me/runs')).body;
      await s.waitForRun('discard-me', run.id, ['UNCONFIRMED']);
      const res = await s.api<RunJson>('POST', `/api/v1/stacks/discard-me/runs/${run.id}/discard`);
      assert.equal(res.status, 200);
      assert.equal(res.body.state, 'DISCARDED');
      // Terminal: confirming now is an illegal transition.
      const again = await s.api<{ error: { code: string } }>(
        'POST',
        `/api/v1/stacks/discard-me/runs/${run.id}/confirm`,
      );
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'illegal_transition');
    });

    it('no changes: plan exits 0 → FINISHED', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('nochange'));
      // PATCH changes only the commands given.
      const patched = await s.api<{ commands: Record<string, string | null> }>(
        'PATCH',
        '/api/v1/stacks/nochange',
        {
          commands: { plan: 'echo "No changes."; exit 0' },
        },
      );
      assert.deepEqual(patched.body.commands, {
        init: 'echo init',
        plan: 'echo "No changes."; exit 0',
        apply: 'echo applied',
      });
      const run = (await s.api<RunJson>('POST', '/api/v1/stacks/nochange/runs')).body;
      const done = await s.waitForRun('nochange', run.id, ['FINISHED', 'FAILED', 'UNCONFIRMED']);
      assert.equal(done.state, 'FINISHED');
      assert.ok(!done.history.some((h) => h.state === 'APPLYING'));
    });

    it('failing plan → FAILED with a note', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('failing', {}, 1));
      const run = (await s.api<RunJson>('POST', '/api/v1/stacks/failing/runs')).body;
      const done = await s.waitForRun('failing', run.id, ['FINISHED', 'FAILED', 'UNCONFIRMED']);
      assert.equal(done.state, 'FAILED');
      assert.match(done.history.at(-1)!.note ?? '', /plan exited with code 1/);
    });

    it('autodeploy: changes go straight to APPLYING → FINISHED', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('auto', { autodeploy: true }));
      const run = (await s.api<RunJson>('POST', '/api/v1/stacks/auto/runs')).body;
      const done = await s.waitForRun('auto', run.id, ['FINISHED', 'FAILED', 'UNCONFIRMED']);
      assert.equal(done.state, 'FINISHED');
      assert.deepEqual(
        done.history.map((h) => h.state),
        ['QUEUED', 'PREPARING', 'INITIALIZING', 'PLANNING', 'APPLYING', 'FINISHED'],
      );
    });

    it('stop ends the plan process group; a queued run behind it can be canceled', async () => {
      const marker = `${s.dir}/stop-marker`;
      await s.api(
        'POST',
        '/api/v1/stacks',
        stackBody('stoppable', {
          commands: { plan: `echo started; (sleep 30; touch ${marker}) & sleep 30; exit 2`, apply: 'true' },
        }),
      );
      const first = (await s.api<RunJson>('POST', '/api/v1/stacks/stoppable/runs')).body;
      const second = (await s.api<RunJson>('POST', '/api/v1/stacks/stoppable/runs')).body;
      await s.waitForRun('stoppable', first.id, ['PLANNING']);
      // One run at a time per stack: the second waits.
      assert.equal((await s.waitForRun('stoppable', second.id, ['QUEUED'])).state, 'QUEUED');
      const canceled = await s.api<RunJson>('POST', `/api/v1/stacks/stoppable/runs/${second.id}/cancel`);
      assert.equal(canceled.status, 200);
      assert.equal(canceled.body.state, 'CANCELED');
      const stopped = await s.api<RunJson>('POST', `/api/v1/stacks/stoppable/runs/${first.id}/stop`);
      assert.equal(stopped.status, 200);
      assert.equal(stopped.body.state, 'STOPPED');
      // The whole process group is gone, including the backgrounded subshell.
      await waitFor(() => !execSync('ps -eo args').toString().includes(marker), 'plan processes to end');
      // The runner lets go of the stack once the process group is gone.
      const third = (await s.api<RunJson>('POST', '/api/v1/stacks/stoppable/runs')).body;
      await s.waitForRun('stoppable', third.id, ['PLANNING']);
      await s.api('POST', `/api/v1/stacks/stoppable/runs/${third.id}/stop`);
      await s.waitForRun('stoppable', third.id, ['STOPPED']);
    });

    it('failing apply and failing init → FAILED with a note', async () => {
      await s.api(
        'POST',
        '/api/v1/stacks',
        stackBody('bad-apply', { commands: { plan: 'exit 2', apply: 'echo nope; exit 3' } }),
      );
      const run = (await s.api<RunJson>('POST', '/api/v1/stacks/bad-apply/runs')).body;
      await s.waitForRun('bad-apply', run.id, ['UNCONFIRMED']);
      await s.api('POST', `/api/v1/stacks/bad-apply/runs/${run.id}/confirm`);
      const failed = await s.waitForRun('bad-apply', run.id, ['FINISHED', 'FAILED']);
      assert.equal(failed.state, 'FAILED');
      assert.match(failed.history.at(-1)!.note ?? '', /apply exited with code 3/);
      assert.equal(failed.history.at(-2)!.state, 'APPLYING');

      await s.api(
        'POST',
        '/api/v1/stacks',
        stackBody('bad-init', { commands: { init: 'exit 4', plan: 'exit 0', apply: 'true' } }),
      );
      const run2 = (await s.api<RunJson>('POST', '/api/v1/stacks/bad-init/runs')).body;
      const failed2 = await s.waitForRun('bad-init', run2.id, ['FINISHED', 'FAILED']);
      assert.equal(failed2.state, 'FAILED');
      assert.match(failed2.history.at(-1)!.note ?? '', /init exited with code 4/);
      assert.equal(failed2.history.at(-2)!.state, 'INITIALIZING');
    });

    it('illegal transitions → 409', async () => {
      await s.api('POST', '/api/v1/stacks', stackBody('illegal', {}, 0));
      const run = (await s.api<RunJson>('POST', '/api/v1/stacks/illegal/runs')).body;
      await s.waitForRun('illegal', run.id, ['FINISHED']);
      for (const action of ['confirm', 'discard', 'stop', 'cancel']) {
        const res = await s.api<{ error: { code: string; message: string } }>(
          'POST',
          `/api/v1/stacks/illegal/runs/${run.id}/${action}`,
        );
        assert.equal(res.status, 409, action);
        assert.equal(res.body.error.code, 'illegal_transition');
        assert.match(res.body.error.message, /is FINISHED/);
      }
    });

    it('a stack with unfinished runs cannot be deleted; a finished one can', async () => {
      await s.api(
        'POST',
        '/api/v1/stacks',
        stackBody('deletable', {
          commands: { plan: 'echo "Plan: 1 to add, 0 to change, 0 to destroy."; exit 2', apply: 'true' },
        }),
      );
      const run = (await s.api<RunJson>('POST', '/api/v1/stacks/deletable/runs')).body;
      await s.waitForRun('deletable', run.id, ['UNCONFIRMED']);
      const busy = await s.api<{ error: { code: string } }>('DELETE', '/api/v1/stacks/deletable');
      assert.equal(busy.status, 409);
      assert.equal(busy.body.error.code, 'stack_busy');
      await s.api('POST', `/api/v1/stacks/deletable/runs/${run.id}/discard`);
      assert.equal((await s.api('DELETE', '/api/v1/stacks/deletable')).status, 204);
      assert.equal((await s.api('GET', '/api/v1/stacks/deletable')).status, 404);
    });
  });

describe('graceful shutdown', () => {
  test('a run still planning when the service stops is FAILED with a note, not left hanging', async () => {
    const s = await startServer({ shutdownGraceMs: 100 });
    let runId = '';
    try {
      await s.api(
        'POST',
        '/api/v1/stacks',
        stackBody('long', { commands: { plan: 'sleep 30', apply: 'true' } }),
      );
      runId = (await s.api<RunJson>('POST', '/api/v1/stacks/long/runs')).body.id;
      await s.waitForRun('long', runId, ['PLANNING']);
    } finally {
      await s.liftoff.runner!.stop();
    }
    const run = await s.liftoff.services.runs.get(
      { actor: 'test', admin: true, channel: null, input: {} },
      'long',
      runId,
    );
    assert.equal(run.state, 'FAILED');
    assert.match(run.history.at(-1)!.note ?? '', /shut down/);
    await s.close();
  });
});
