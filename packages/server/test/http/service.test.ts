// Service surface: health, OpenAPI, metrics, repositories (git clone), run environment, live logs, CLI start-up.
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnCli } from '../helpers/cli.js';
import {
  ADMIN_TOKEN,
  startServer,
  stackBody,
  waitFor,
  type RunJson,
  type TestServer,
} from '../helpers/server.js';

type Logs = { run_id: string; state: string; cursor: number; logs: Array<{ phase: string; text: string }> };

describe('service surface (SQLite)', () => {
  let s: TestServer;
  let repo: string;
  before(async () => {
    s = await startServer();
    // A local git repository with a branch and a project root.
    repo = join(s.dir, 'repo');
    mkdirSync(join(repo, 'infra'), { recursive: true });
    writeFileSync(join(repo, 'infra', 'main.tf'), '# resources\n');
    const git = (cmd: string) =>
      execSync(`git -c user.name=Tester -c user.email=t@example.com ${cmd}`, { cwd: repo, stdio: 'pipe' });
    git('init -q -b main');
    git('add .');
    git('commit -q -m "Initial infrastructure"');
    git('checkout -q -b feature');
    writeFileSync(join(repo, 'infra', 'feature.tf'), '# feature\n');
    git('add .');
    git('commit -q -m "Add feature"');
    git('checkout -q main');
  });
  after(() => s.close());

  test('/healthz needs no key', async () => {
    const res = await fetch(`${s.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  test('/api/v1/openapi.json documents the contract paths', async () => {
    const doc = (await (await fetch(`${s.url}/api/v1/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    assert.match(doc.openapi, /^3\./);
    for (const path of [
      '/api/v1/stacks',
      '/api/v1/stacks/{id}',
      '/api/v1/policies',
      '/api/v1/policies/{id}',
      '/api/v1/stacks/{id}/policies/{policyId}',
      '/api/v1/stacks/{id}/runs',
      '/api/v1/stacks/{id}/runs/{runId}',
      '/api/v1/stacks/{id}/runs/{runId}/confirm',
      '/api/v1/stacks/{id}/runs/{runId}/discard',
      '/api/v1/stacks/{id}/runs/{runId}/stop',
      '/api/v1/stacks/{id}/runs/{runId}/logs',
      '/api/v1/api-keys',
    ]) {
      assert.ok(doc.paths[path], path);
    }
  });

  test('runs clone repository@branch (local path and file:// URL) and record the commit', async () => {
    await s.api('POST', '/api/v1/stacks', {
      id: 'git-path',
      repository: repo,
      branch: 'feature',
      project_root: 'infra',
      commands: { plan: 'ls; exit 0', apply: 'true' },
    });
    const run = (await s.api<RunJson>('POST', '/api/v1/stacks/git-path/runs')).body;
    const done = await s.waitForRun('git-path', run.id, ['FINISHED', 'FAILED']);
    assert.equal(done.state, 'FINISHED', JSON.stringify(done.history));
    const full = await s.api<{ commit: { message: string; author: string; hash: string } }>(
      'GET',
      `/api/v1/stacks/git-path/runs/${run.id}`,
    );
    assert.equal(full.body.commit.message, 'Add feature');
    assert.equal(full.body.commit.author, 'Tester');
    const logs = await s.api<Logs>('GET', `/api/v1/stacks/git-path/runs/${run.id}/logs`);
    assert.match(logs.body.logs.find((l) => l.phase === 'plan')!.text, /feature\.tf/);

    await s.api('POST', '/api/v1/stacks', {
      id: 'git-url',
      repository: `file://${repo}`,
      commands: { plan: 'test -f infra/main.tf && test ! -f infra/feature.tf', apply: 'true' },
    });
    const run2 = (await s.api<RunJson>('POST', '/api/v1/stacks/git-url/runs')).body;
    assert.equal((await s.waitForRun('git-url', run2.id, ['FINISHED', 'FAILED'])).state, 'FINISHED');

    await s.api('POST', '/api/v1/stacks', {
      id: 'git-missing',
      repository: join(s.dir, 'nope'),
      commands: { plan: 'true', apply: 'true' },
    });
    const run3 = (await s.api<RunJson>('POST', '/api/v1/stacks/git-missing/runs')).body;
    const failed = await s.waitForRun('git-missing', run3.id, ['FINISHED', 'FAILED']);
    assert.equal(failed.state, 'FAILED');
    assert.match(
      failed.history.at(-1)!.note ?? '',
      /^could not clone .*nope: repository '.*nope' does not exist/,
    );
  });

  test('run environment: stack env + LIFTOFF_RUN_ID + LIFTOFF_STACK_ID, no service secrets', async () => {
    await s.api(
      'POST',
      '/api/v1/stacks',
      stackBody('envy', {
        env: { GREETING: 'hello' },
        commands: {
          plan: 'echo "G=$GREETING R=$LIFTOFF_RUN_ID S=$LIFTOFF_STACK_ID T=${LIFTOFF_ADMIN_TOKEN:-none} D=${DATABASE_URL:-none}"; exit 0',
          apply: 'true',
        },
      }),
    );
    const run = (await s.api<RunJson>('POST', '/api/v1/stacks/envy/runs')).body;
    await s.waitForRun('envy', run.id, ['FINISHED']);
    const logs = await s.api<Logs>('GET', `/api/v1/stacks/envy/runs/${run.id}/logs`);
    assert.match(
      logs.body.logs.find((l) => l.phase === 'plan')!.text,
      new RegExp(`G=hello R=${run.id} S=envy T=none D=none`),
    );
  });

  test('live logs can be followed with ?after= while the plan runs', async () => {
    const gate = join(s.dir, 'gate');
    await s.api(
      'POST',
      '/api/v1/stacks',
      stackBody('live', {
        commands: {
          plan: `echo first; while [ ! -f ${gate} ]; do sleep 0.05; done; echo second; exit 0`,
          apply: 'true',
        },
      }),
    );
    const run = (await s.api<RunJson>('POST', '/api/v1/stacks/live/runs')).body;
    let cursor = 0;
    await waitFor(async () => {
      const res = await s.api<Logs>('GET', `/api/v1/stacks/live/runs/${run.id}/logs`);
      cursor = res.body.cursor;
      return (
        res.body.state === 'PLANNING' &&
        res.body.logs.some((l) => l.phase === 'plan' && l.text.includes('first'))
      );
    }, 'first output while planning');
    writeFileSync(gate, '');
    await s.waitForRun('live', run.id, ['FINISHED']);
    const rest = await s.api<Logs>('GET', `/api/v1/stacks/live/runs/${run.id}/logs?after=${cursor}`);
    const text = rest.body.logs.map((l) => l.text).join('');
    assert.match(text, /second/);
    assert.doesNotMatch(text, /first/);
  });

  test('/metrics in Prometheus text format', async () => {
    const res = await fetch(`${s.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /# TYPE liftoff_http_requests_total counter/);
    assert.match(text, /liftoff_http_request_duration_seconds_bucket\{/);
    assert.match(text, /liftoff_runs\{state="FINISHED"\} \d+/);
    assert.match(text, /# TYPE liftoff_policy_evaluations_total counter/);
  });

  test('non-admin readers do not see env values', async () => {
    const key = (await s.api<{ secret: string }>('POST', '/api/v1/api-keys', { name: 'r', teams: ['R'] }))
      .body.secret;
    await s.api('POST', '/api/v1/policies', {
      id: 'read-r',
      type: 'ACCESS',
      body: 'package spacelift\nread if { "R" in input.session.teams }',
      labels: ['autoattach:*'],
    });
    const res = await s.api<{ env: Record<string, string> }>('GET', '/api/v1/stacks/envy', undefined, key);
    assert.deepEqual(res.body.env, { GREETING: '********' });
    await s.api('DELETE', '/api/v1/policies/read-r');
  });
});

describe('CLI', () => {
  test('an invalid variable stops start-up with a message naming it', async () => {
    const p = spawnCli('start', { PORT: 'eighty', LIFTOFF_ADMIN_TOKEN: ADMIN_TOKEN });
    assert.equal(await p.exited, 1);
    assert.match(p.output(), /invalid configuration: PORT: must be a whole number/);
    assert.ok(!p.output().includes(ADMIN_TOKEN));
  });
});

describe('health', () => {
  test('/healthz answers 503 when the database is gone', async () => {
    const s = await startServer({ runner: false });
    try {
      assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
      await s.liftoff.storage.close();
      const res = await fetch(`${s.url}/healthz`);
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { status: string }).status, 'unavailable');
    } finally {
      await s.liftoff.http!.close();
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
});
