// Two `liftoff worker` processes on one PostgreSQL: 50 runs over 10 stacks, each executed exactly once, in order
// per stack, never two at a time per stack.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnCli, stopCli, type CliProcess } from '../helpers/cli.js';
import { createPgSchema, type PgSchema } from '../helpers/postgres.js';
import { startServer, waitFor, type RunJson, type TestServer } from '../helpers/server.js';

const KEY = 'a'.repeat(64);

describe('several workers on one PostgreSQL', () => {
  let pg: PgSchema | undefined;
  let skip: string | undefined;
  let s: TestServer;
  const workers: CliProcess[] = [];

  before(async () => {
    const created = await createPgSchema();
    if ('skip' in created) {
      skip = created.skip;
      return;
    }
    pg = created;
    // The API process does not run anything (LIFTOFF_RUNNER=off); only the two workers do.
    s = await startServer({ databaseUrl: pg.url, runner: false, env: { LIFTOFF_RUNNER: 'off' } });
    for (let i = 0; i < 2; i++) {
      workers.push(
        spawnCli('worker', {
          DATABASE_URL: pg.url,
          LIFTOFF_ENCRYPTION_KEY: KEY,
          // The production default: hand-offs between processes ride on LISTEN/NOTIFY, not on fast polling.
          LIFTOFF_RUNNER_POLL_MS: '1000',
          LOG_LEVEL: 'warn',
        }),
      );
    }
  });

  after(async () => {
    await Promise.all(workers.map((w) => stopCli(w)));
    await s?.close();
    await pg?.drop();
  });

  test('50 runs over 10 stacks: each executed exactly once, per-stack order kept', async (t) => {
    if (skip) return t.skip(skip);
    const journal = join(s.dir, 'journal.log');
    // $PPID of the plan's shell is the worker process that ran it.
    const pids = join(s.dir, 'pids.log');
    for (let i = 0; i < 10; i++) {
      const res = await s.api('POST', '/api/v1/stacks', {
        id: `stack-${i}`,
        commands: {
          // start/end lines let us check that runs of one stack never overlap.
          plan: `echo "$PPID" >> ${pids}; echo "$LIFTOFF_STACK_ID $LIFTOFF_RUN_ID start" >> ${journal}; sleep 0.02; echo "$LIFTOFF_STACK_ID $LIFTOFF_RUN_ID end" >> ${journal}; exit 0`,
          apply: 'true',
        },
      });
      assert.equal(res.status, 201);
    }
    const triggered = new Map<string, string[]>();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) {
        const run = await s.api<RunJson>('POST', `/api/v1/stacks/stack-${i}/runs`);
        assert.equal(run.status, 201);
        const list = triggered.get(`stack-${i}`) ?? [];
        list.push(run.body.id);
        triggered.set(`stack-${i}`, list);
      }
    }
    await waitFor(
      async () => {
        for (let i = 0; i < 10; i++) {
          const runs = await s.api<RunJson[]>('GET', `/api/v1/stacks/stack-${i}/runs`);
          if (runs.body.some((r) => r.state !== 'FINISHED' && r.state !== 'FAILED')) return false;
        }
        return true;
      },
      'all runs to finish',
      90_000,
    );
    for (let i = 0; i < 10; i++) {
      const runs = await s.api<RunJson[]>('GET', `/api/v1/stacks/stack-${i}/runs`);
      for (const r of runs.body) assert.equal(r.state, 'FINISHED', `${r.id}: ${JSON.stringify(r.history)}`);
    }

    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    const starts = lines.filter((l) => l.endsWith(' start'));
    assert.equal(starts.length, 50, 'every run executed exactly once');
    assert.equal(new Set(starts).size, 50);
    for (const [stack, ids] of triggered) {
      const mine = lines.filter((l) => l.startsWith(`${stack} `));
      // Strictly alternating start/end of the runs in trigger order: in order and one at a time.
      const expected = ids.flatMap((id) => [`${stack} ${id} start`, `${stack} ${id} end`]);
      assert.deepEqual(mine, expected, stack);
    }
    for (const w of workers) assert.equal(w.child.exitCode, null, `worker still running: ${w.output()}`);
    const executedBy = new Set(readFileSync(pids, 'utf8').trim().split('\n'));
    assert.deepEqual(
      [...executedBy].sort(),
      workers.map((w) => String(w.child.pid)).sort(),
      'both workers took runs',
    );
  });
});
