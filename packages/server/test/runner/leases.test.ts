// Worker leases: runs of dead workers are failed, live workers keep theirs, a lost lease is taken again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLiftoff, type Liftoff } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { SYSTEM } from '../../src/domain/subjects.js';
import { createLogger } from '../../src/logger.js';
import { Runner } from '../../src/runner/runner.js';
import { KyselyRunRepository } from '../../src/storage/run-repository.js';
import { KyselyStackRepository } from '../../src/storage/stack-repository.js';
import { WorkerRepository } from '../../src/storage/worker-repository.js';
import { waitFor } from '../helpers/server.js';
import { stackFields } from '../helpers/stack-fields.js';

describe('worker leases (SQLite)', () => {
  let dir: string;
  let liftoff: Liftoff;
  let workers: WorkerRepository;
  let runs: KyselyRunRepository;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'liftoff-leases-'));
    const config = loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      LIFTOFF_RUNNER_POLL_MS: '50',
      LIFTOFF_WORKER_LEASE_MS: '1000',
      LOG_LEVEL: 'silent',
    });
    liftoff = await createLiftoff(config, { logger: createLogger('silent'), http: false, runner: false });
    workers = new WorkerRepository(liftoff.storage.db);
    runs = new KyselyRunRepository(liftoff.storage.db, liftoff.storage.dialect);
    const stack = (id: string) => ({ id, ...stackFields({ name: id }) });
    for (const id of ['expired', 'alive', 'gone']) await liftoff.services.stacks.create(SYSTEM, stack(id));
  });
  after(async () => {
    await liftoff.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function planningRunOwnedBy(stackId: string, workerId: string) {
    const run = await liftoff.services.runs.trigger(SYSTEM, stackId);
    const at = new Date().toISOString();
    await runs.claimQueued(workerId, at);
    await liftoff.services.runs.transition({
      runId: run.id,
      from: 'PREPARING',
      to: 'INITIALIZING',
      by: null,
      note: null,
    });
    await liftoff.services.runs.transition({
      runId: run.id,
      from: 'INITIALIZING',
      to: 'PLANNING',
      by: null,
      note: null,
    });
    return run.id;
  }

  test('expired lease or dead local process → FAILED; a live foreign worker keeps its run', async () => {
    const old = new Date(Date.now() - 60_000).toISOString();
    const now = new Date().toISOString();
    await workers.register({
      id: 'w_expired',
      hostname: 'elsewhere',
      pid: 1,
      started_at: old,
      heartbeat_at: old,
    });
    await workers.register({
      id: 'w_alive',
      hostname: 'elsewhere',
      pid: 1,
      started_at: now,
      heartbeat_at: now,
    });
    // A pid that cannot exist on this host: its owner is certainly gone.
    await workers.register({
      id: 'w_gone',
      hostname: hostname(),
      pid: 2 ** 22 + 17,
      started_at: now,
      heartbeat_at: now,
    });
    const expired = await planningRunOwnedBy('expired', 'w_expired');
    const alive = await planningRunOwnedBy('alive', 'w_alive');
    const gone = await planningRunOwnedBy('gone', 'w_gone');

    // Keep w_alive's lease fresh while our runner looks around.
    const keepAlive = setInterval(() => void workers.heartbeat('w_alive', new Date().toISOString()), 100);
    const runner = new Runner(
      {
        runs,
        stacks: new KyselyStackRepository(liftoff.storage.db),
        service: liftoff.services.runs,
        workers,
        artifacts: liftoff.artifacts,
        logger: liftoff.logger,
      },
      { pollMs: 50, leaseMs: 1000, concurrency: 2, workspaceRoot: join(dir, 'ws'), shutdownGraceMs: 100 },
    );
    try {
      await runner.start();
      for (const id of [expired, gone]) {
        const run = (await runs.get(id))!;
        assert.equal(run.state, 'FAILED', id);
        assert.match(run.history.at(-1)!.note ?? '', /interrupted: worker w_(expired|gone)/);
      }
      assert.equal((await runs.get(alive))!.state, 'PLANNING');

      // Our own lease row disappears (someone declared us dead): we register again.
      await workers.remove([runner.workerId]);
      await waitFor(
        async () => (await workers.list()).some((w) => w.id === runner.workerId),
        're-registration',
        5000,
      );
    } finally {
      clearInterval(keepAlive);
      await runner.stop();
    }
  });
});
