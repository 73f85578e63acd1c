// Acceptance (docs/runs.md): Confirm applies exactly what was planned — the saved plan, at the recorded commit,
// from the stored plan artifact — with real Terraform (skipped with a reason where it is missing) and the
// terraform-like fixture CLI (always), on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backendSchema, type PgSchema } from '../helpers/postgres.js';
import { startServer, type RunJson, type TestServer } from '../helpers/server.js';
import { GitRepo, readState, TOOLS, type ToolUnderTest } from '../helpers/terraform.js';

interface PlannedRun extends RunJson {
  commit: { hash: string } | null;
  resource_changes: Array<{ address: string; action: string; actions: string[] }> | null;
}

const lastNote = (run: RunJson) => run.history.at(-1)?.note ?? '';

for (const tool of TOOLS)
  for (const backend of ['SQLite', 'PostgreSQL'] as const)
    describe(`Confirm applies what was planned (${tool.name}, ${backend})`, () => {
      let s: TestServer;
      let pg: PgSchema | undefined;
      let skip: string | undefined = tool.skip;
      let repo: GitRepo;
      let stateFile: string;
      let stacks = 0;

      before(async () => {
        if (skip) return;
        ({ pg, skip } = await backendSchema(backend));
        if (skip) return;
        s = await startServer(pg ? { databaseUrl: pg.url } : {});
        repo = new GitRepo();
        stateFile = join(s.dir, 'terraform.tfstate');
      });
      after(async () => {
        await s?.close();
        await pg?.drop();
        repo?.remove();
      });
      const it = (name: string, fn: () => Promise<void>) => test(name, (t) => (skip ? t.skip(skip) : fn()));

      /** A stack on `tool`'s preset, code under infra/ of the test repository. */
      async function createStack(extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
        const id = `tf-${++stacks}`;
        const res = await s.api<{ tool: string; commands: unknown }>('POST', '/api/v1/stacks', {
          id,
          tool: 'terraform',
          repository: repo.url,
          branch: 'main',
          project_root: 'infra',
          env: { ...tool.env, ...env },
          ...extra,
        });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.equal(res.body.tool, 'terraform');
        assert.equal(res.body.commands, null, "no commands given: the tool's standard workflow");
        return id;
      }

      async function runTo(stackId: string, states: string[]) {
        const trig = await s.api<RunJson>('POST', `/api/v1/stacks/${stackId}/runs`);
        assert.equal(trig.status, 201);
        return (await s.waitForRun(stackId, trig.body.id, states, 60_000)) as PlannedRun;
      }

      async function confirm(stackId: string, runId: string) {
        const res = await s.api<RunJson>('POST', `/api/v1/stacks/${stackId}/runs/${runId}/confirm`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return (await s.waitForRun(stackId, runId, ['FINISHED', 'FAILED'], 60_000)) as PlannedRun;
      }

      const hasArtifact = async (runId: string) => (await s.liftoff.artifacts.open(runId)) !== undefined;

      it('plan → a new commit is pushed → confirm: the planned commit is applied, from the stored artifact', async () => {
        const planned = repo.commit(prefixed(tool.files(stateFile, 'one')), 'one');
        const stack = await createStack();
        const run = await runTo(stack, ['UNCONFIRMED', 'FAILED']);
        assert.equal(run.state, 'UNCONFIRMED', lastNote(run));
        assert.equal(run.commit?.hash, planned);
        assert.deepEqual(run.delta, { add: 1, change: 0, destroy: 0 });
        assert.deepEqual(run.resource_changes, [
          { address: tool.address, action: 'create', actions: ['create'] },
        ]);
        assert.ok(await hasArtifact(run.id), 'an unconfirmed run keeps its artifact');
        const metrics = await s.api<string>('GET', '/metrics');
        assert.ok(
          Number(/liftoff_run_artifact_bytes (\d+)/.exec(metrics.body)?.[1]) > 0,
          'the gauge counts it',
        );

        // Someone pushes after the plan: it must not be what gets applied.
        repo.commit(prefixed(tool.files(stateFile, 'two')), 'two');
        const done = await confirm(stack, run.id);
        assert.equal(done.state, 'FINISHED', lastNote(done));
        assert.equal(readState(stateFile)?.v, 'one', 'the planned value, not the newer commit');
        assert.equal(await hasArtifact(run.id), false, 'the artifact is deleted when the run ends');

        // The next run plans the newer commit as a change of the applied state; applied, a third plans nothing.
        const second = await runTo(stack, ['UNCONFIRMED', 'FAILED']);
        assert.deepEqual(second.delta, { add: 0, change: 1, destroy: 0 }, lastNote(second));
        assert.equal(second.resource_changes?.[0]?.action, 'update');
        assert.equal((await confirm(stack, second.id)).state, 'FINISHED');
        assert.equal(readState(stateFile)?.v, 'two');
        const third = await runTo(stack, ['FINISHED', 'UNCONFIRMED', 'FAILED']);
        assert.equal(third.state, 'FINISHED', lastNote(third));
        assert.deepEqual(third.delta, { add: 0, change: 0, destroy: 0 });
        assert.deepEqual(third.resource_changes, []);
        assert.equal(await hasArtifact(third.id), false, 'no changes: nothing to keep');
      });

      it("a stale saved plan (another stack applied to the same state first) → FAILED with Terraform's message, nothing applied", async () => {
        const a = await createStack({}, { TF_VAR_v: 'from-a' });
        const b = await createStack({}, { TF_VAR_v: 'from-b' });
        const runA = await runTo(a, ['UNCONFIRMED', 'FAILED']);
        const runB = await runTo(b, ['UNCONFIRMED', 'FAILED']);
        assert.equal(runA.state, 'UNCONFIRMED', lastNote(runA));
        assert.equal((await confirm(b, runB.id)).state, 'FINISHED');
        const before = readState(stateFile);
        assert.equal(before?.v, 'from-b');

        const failed = await confirm(a, runA.id);
        assert.equal(failed.state, 'FAILED');
        assert.match(lastNote(failed), /^apply exited with code 1: Saved plan is stale/);
        assert.deepEqual(readState(stateFile), before, 'state untouched');
        assert.equal(await hasArtifact(runA.id), false);
      });

      it('discard drops the artifact', async () => {
        const stack = await createStack({}, { TF_VAR_v: 'discarded' });
        const run = await runTo(stack, ['UNCONFIRMED', 'FAILED']);
        assert.ok(await hasArtifact(run.id));
        assert.equal((await s.api('POST', `/api/v1/stacks/${stack}/runs/${run.id}/discard`)).status, 200);
        assert.equal(await hasArtifact(run.id), false);
      });

      it('terraform_version must match the tool found: the run fails at PREPARING naming both', async () => {
        const stack = await createStack({ terraform_version: '~> 0.12' });
        const run = await runTo(stack, ['FAILED', 'UNCONFIRMED', 'FINISHED']);
        assert.equal(run.state, 'FAILED');
        assert.equal(run.history.at(-2)?.state, 'PREPARING');
        assert.match(lastNote(run), /terraform_version is ~> 0\.12, but the worker's Terraform is /);
        assert.ok(lastNote(run).includes(tool.version), lastNote(run));
        // The line of the version found matches.
        const [major, minor] = tool.version.split('.');
        const ok = await createStack({ terraform_version: `${major}.${minor}`, env: tool.env }, {});
        assert.notEqual((await runTo(ok, ['FAILED', 'UNCONFIRMED', 'FINISHED'])).state, 'FAILED');
      });

      it('bad sources: a repository that cannot be cloned, a branch that is gone, a project_root leaving the workspace', async () => {
        const cases: Array<[Record<string, unknown>, RegExp]> = [
          [
            { repository: `file://${repo.dir}-missing` },
            /^could not clone file:\/\/.*-missing \(branch main\): /,
          ],
          [{ branch: 'gone' }, /^branch "gone" does not exist in file:\/\//],
          [{ project_root: 'escape' }, /^project_root "escape" points outside the workspace/],
          [{ project_root: 'nowhere' }, /^project_root "nowhere" is not a directory of the repository/],
          [
            { repository: 'https://user:s3cret-token@127.0.0.1:9/nothing.git' },
            /^could not clone https:\/\/\*\*\*@127\.0\.0\.1:9\/nothing\.git/,
          ],
        ];
        symlinkSync('/', join(repo.dir, 'escape'));
        repo.commit({}, 'a symlink leaving the repository');
        for (const [extra, note] of cases) {
          const stack = await createStack(extra);
          const run = await runTo(stack, ['FAILED', 'UNCONFIRMED', 'FINISHED']);
          assert.equal(run.state, 'FAILED', JSON.stringify(extra));
          assert.match(lastNote(run), note);
          assert.ok(!JSON.stringify(run).includes('s3cret'), 'credentials never in the run');
          const logs = await s.api<unknown>('GET', `/api/v1/stacks/${stack}/runs/${run.id}/logs`);
          assert.ok(!JSON.stringify(logs.body).includes('s3cret'), 'credentials never in logs');
        }
        rmSync(join(repo.dir, 'escape'));
        repo.commit({}, 'symlink gone');
      });

      if (tool.name === 'fixture CLI')
        it('the tool missing on PATH fails the run at PREPARING, naming it', async () => {
          const stack = await createStack({}, { PATH: '/nonexistent' });
          const run = await runTo(stack, ['FAILED', 'UNCONFIRMED', 'FINISHED']);
          assert.match(lastNote(run), /^Terraform \(terraform\) was not found on the worker's PATH/);
        });
    });

/** The tool's files under infra/ (the stacks' project_root). */
function prefixed(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([p, t]) => [`infra/${p}`, t]));
}

describe('a plan artifact over LIFTOFF_ARTIFACT_MAX_BYTES', () => {
  const tool = TOOLS.find((t) => t.name === 'fixture CLI') as ToolUnderTest;
  let s: TestServer;
  let repo: GitRepo;
  before(async () => {
    s = await startServer({ env: { LIFTOFF_ARTIFACT_MAX_BYTES: '4096' } });
    repo = new GitRepo();
  });
  after(async () => {
    await s?.close();
    repo?.remove();
  });

  test('fails the run with a note naming the size and the limit; nothing is kept', async () => {
    // Incompressible: random bytes as hex would compress to half, so base64 of random bytes it is.
    const noise = Buffer.from(
      Array.from({ length: 48 * 1024 }, () => Math.floor(Math.random() * 256)),
    ).toString('base64');
    repo.commit(
      { ...prefixed(tool.files(join(s.dir, 'state.json'), 'big')), 'infra/noise.txt': noise },
      'a large file',
    );
    assert.equal(
      (
        await s.api('POST', '/api/v1/stacks', {
          id: 'big',
          tool: 'terraform',
          repository: repo.url,
          project_root: 'infra',
          env: tool.env,
        })
      ).status,
      201,
    );
    const trig = await s.api<RunJson>('POST', '/api/v1/stacks/big/runs');
    const run = await s.waitForRun('big', trig.body.id, ['FAILED', 'UNCONFIRMED'], 30_000);
    assert.equal(run.state, 'FAILED');
    assert.match(
      lastNote(run),
      /^the plan artifact is [\d.]+ KiB \(\d+ bytes compressed\), over the limit of 4\.0 KiB \(4096 bytes\): nothing was kept; raise LIFTOFF_ARTIFACT_MAX_BYTES/,
    );
    const rows = await s.liftoff.storage.db
      .selectFrom('run_artifact_chunks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(rows.n), 0);
    assert.equal(await s.liftoff.artifacts.open(run.id), undefined);
  });
});
