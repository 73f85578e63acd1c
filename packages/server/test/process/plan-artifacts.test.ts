// Plan artifacts outlive the process that planned (docs/runs.md): after `kill -9` of the service between plan and
// confirm, the restarted service applies the stored artifact; on PostgreSQL, another process's runner applies a
// run planned elsewhere. A commit pushed meanwhile is never what gets applied.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { callCli, spawnCli, stopCli, type CliProcess } from '../helpers/cli.js';
import { createPgSchema } from '../helpers/postgres.js';
import { ADMIN_TOKEN, startServer, waitFor, type RunJson } from '../helpers/server.js';
import { GitRepo, readState, TOOLS } from '../helpers/terraform.js';

// Real Terraform where installed, else the fixture CLI: the same path either way.
const tool = TOOLS.find((t) => !t.skip)!;
console.log(`# plan artifact process suites run with ${tool.name}`);

const infra = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([p, t]) => [`infra/${p}`, t]));

async function waitState(port: number, stackId: string, runId: string, states: string[]) {
  let run: RunJson | undefined;
  await waitFor(
    async () => {
      run = (await callCli<RunJson>(port, 'GET', `/api/v1/stacks/${stackId}/runs/${runId}`)).body;
      return states.includes(run.state);
    },
    `run ${runId} to reach ${states.join('|')}`,
    60_000,
  );
  return run!;
}

describe('kill -9 between plan and confirm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-artifact-kill9-'));
  const repo = new GitRepo();
  const procs: CliProcess[] = [];
  // No LIFTOFF_ENCRYPTION_KEY: the SQLite deployment's generated key file must outlive the process too.
  const env = {
    PORT: '0',
    DATABASE_URL: `sqlite:${join(dir, 'liftoff.db')}`,
    LIFTOFF_ADMIN_TOKEN: ADMIN_TOKEN,
    LIFTOFF_RUNNER_POLL_MS: '100',
  };
  after(async () => {
    for (const p of procs) await stopCli(p, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    repo.remove();
  });

  test('the restarted service applies the stored artifact at the planned commit', async () => {
    const stateFile = join(dir, 'terraform.tfstate');
    const planned = repo.commit(infra(tool.files(stateFile, 'planned')), 'planned');
    const first = spawnCli('start', env);
    procs.push(first);
    const port1 = await first.port();
    const created = await callCli(port1, 'POST', '/api/v1/stacks', {
      id: 'kill9',
      tool: 'terraform',
      repository: repo.url,
      project_root: 'infra',
      env: tool.env,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const run = (await callCli<RunJson>(port1, 'POST', '/api/v1/stacks/kill9/runs')).body;
    const unconfirmed = await waitState(port1, 'kill9', run.id, ['UNCONFIRMED', 'FAILED']);
    assert.equal(unconfirmed.state, 'UNCONFIRMED', JSON.stringify(unconfirmed.history));

    first.child.kill('SIGKILL');
    await first.exited;
    repo.commit(infra(tool.files(stateFile, 'pushed later')), 'pushed after the plan');

    const second = spawnCli('start', env);
    procs.push(second);
    const port2 = await second.port();
    assert.equal((await callCli(port2, 'POST', `/api/v1/stacks/kill9/runs/${run.id}/confirm`)).status, 200);
    const done = await waitState(port2, 'kill9', run.id, ['FINISHED', 'FAILED']);
    assert.equal(done.state, 'FINISHED', JSON.stringify(done.history));
    assert.equal(readState(stateFile)?.v, 'planned');
    const logs = await callCli<{ logs: Array<{ text: string }> }>(
      port2,
      'GET',
      `/api/v1/stacks/kill9/runs/${run.id}/logs`,
    );
    assert.match(
      logs.body.logs.map((l) => l.text).join(''),
      new RegExp(`restores the plan artifact of commit ${planned.slice(0, 12)}`),
    );
    await stopCli(second);
    assert.equal(await second.exited, 0, second.output());
  });
});

describe('two instances on PostgreSQL', () => {
  const repo = new GitRepo();
  const procs: CliProcess[] = [];
  let cleanup: Array<() => Promise<void>> = [];
  after(async () => {
    for (const p of procs) await stopCli(p);
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
    repo.remove();
  });

  test("a run planned by one instance is applied by the other's runner", async (t) => {
    const pg = await createPgSchema();
    if ('skip' in pg) return t.skip(pg.skip);
    cleanup.push(() => pg.drop());
    const a = await startServer({ databaseUrl: pg.url });
    cleanup.push(() => a.close());
    const stateFile = join(a.dir, 'terraform.tfstate');
    repo.commit(infra(tool.files(stateFile, 'from A')), 'planned on A');
    assert.equal(
      (
        await a.api('POST', '/api/v1/stacks', {
          id: 'shared',
          tool: 'terraform',
          repository: repo.url,
          project_root: 'infra',
          env: tool.env,
        })
      ).status,
      201,
    );
    const run = (await a.api<RunJson>('POST', '/api/v1/stacks/shared/runs')).body;
    assert.equal(
      (await a.waitForRun('shared', run.id, ['UNCONFIRMED', 'FAILED'], 60_000)).state,
      'UNCONFIRMED',
    );
    // A plans but will not apply: its runner stops, and its workspaces are gone with it.
    const runnerA = a.liftoff.runner!;
    await runnerA.stop();
    rmSync(join(a.dir, 'workspaces'), { recursive: true, force: true });

    const b = spawnCli('worker', {
      DATABASE_URL: pg.url,
      LIFTOFF_ENCRYPTION_KEY: 'a'.repeat(64),
      LIFTOFF_RUNNER_POLL_MS: '100',
      LOG_LEVEL: 'warn',
    });
    procs.push(b);
    assert.equal((await a.api('POST', `/api/v1/stacks/shared/runs/${run.id}/confirm`)).status, 200);
    const done = await a.waitForRun('shared', run.id, ['FINISHED', 'FAILED'], 60_000);
    assert.equal(done.state, 'FINISHED', JSON.stringify(done.history));
    assert.equal(readState(stateFile)?.v, 'from A');
    const logs = await a.api<{ logs: Array<{ phase: string; text: string }> }>(
      'GET',
      `/api/v1/stacks/shared/runs/${run.id}/logs`,
    );
    const applyLog = logs.body.logs
      .filter((l) => l.phase === 'apply')
      .map((l) => l.text)
      .join('');
    const applier = /worker (w_[0-9A-Z]+) restores the plan artifact/.exec(applyLog)?.[1];
    assert.ok(applier, applyLog);
    assert.notEqual(applier, runnerA.workerId, 'applied by the other instance');
  });
});
