// `kill -9` of the service mid-plan, then a restart: the interrupted run ends FAILED with a note, its orphaned
// process group is ended, and the stack keeps working.
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { callCli, spawnCli, stopCli, type CliProcess } from '../helpers/cli.js';
import { ADMIN_TOKEN, waitFor, type RunJson } from '../helpers/server.js';

describe('crash recovery', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-crash-'));
  const env = {
    PORT: '0',
    DATABASE_URL: `sqlite:${join(dir, 'liftoff.db')}`,
    LIFTOFF_ADMIN_TOKEN: ADMIN_TOKEN,
    LIFTOFF_RUNNER_POLL_MS: '100',
  };
  const procs: CliProcess[] = [];
  after(async () => {
    for (const p of procs) await stopCli(p, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('kill -9 mid-plan, restart → FAILED with a note; nothing stuck', async () => {
    const first = spawnCli('start', env);
    procs.push(first);
    const port1 = await first.port();
    const marker = join(dir, 'orphan-marker');
    assert.equal(
      (
        await callCli(port1, 'POST', '/api/v1/stacks', {
          id: 'crashy',
          commands: { plan: `echo planning; sleep 60; touch ${marker}; exit 2`, apply: 'true' },
        })
      ).status,
      201,
    );
    const run = (await callCli<RunJson>(port1, 'POST', '/api/v1/stacks/crashy/runs')).body;
    await waitFor(
      async () =>
        (await callCli<RunJson>(port1, 'GET', `/api/v1/stacks/crashy/runs/${run.id}`)).body.state ===
        'PLANNING',
      'PLANNING',
    );

    first.child.kill('SIGKILL');
    await first.exited;

    const second = spawnCli('start', env);
    procs.push(second);
    const port2 = await second.port();
    let final: RunJson | undefined;
    await waitFor(async () => {
      final = (await callCli<RunJson>(port2, 'GET', `/api/v1/stacks/crashy/runs/${run.id}`)).body;
      return final.state === 'FAILED';
    }, 'the interrupted run to be FAILED');
    const note = final!.history.at(-1)!.note ?? '';
    assert.match(note, /interrupted/);
    assert.match(note, /PLANNING/);
    // The orphaned `sleep 60` of the dead service was ended with its process group.
    await waitFor(
      () =>
        !execSync('ps -eo args')
          .toString()
          .includes('sleep 60; touch ' + marker),
      'orphan to end',
    );

    // The stack is not stuck: a new run goes through.
    await callCli(port2, 'PATCH', '/api/v1/stacks/crashy', { commands: { plan: 'exit 0', apply: 'true' } });
    const next = (await callCli<RunJson>(port2, 'POST', '/api/v1/stacks/crashy/runs')).body;
    await waitFor(
      async () =>
        (await callCli<RunJson>(port2, 'GET', `/api/v1/stacks/crashy/runs/${next.id}`)).body.state ===
        'FINISHED',
      'the next run to finish',
    );
    await stopCli(second);
    assert.equal(await second.exited, 0, second.output());
  });
});
