// `kill -9` of a `liftoff start` child (SQLite) at random points while it delivers, 20 times, restarting each time.
// Nothing may be lost: every run's message in every subscribed channel ends showing the run's final state. The test
// reports duplicate messages (target 0) and posts repeated after an unknown outcome (the documented window: a crash
// between Slack accepting chat.postMessage and the ts being committed).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DatabaseConfig } from '../../src/config.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations/index.js';
import { InstallationStore } from '../../src/slack/platform/installation.js';
import { SlackInstallationRepository } from '../../src/storage/slack-installations.js';
import { SubscriptionStore } from '../../src/storage/slack-subscriptions.js';
import { SecretCipher } from '../../src/secret-cipher.js';
import { spawnCli, stopCli, type CliProcess } from '../helpers/cli.js';
import { createPgSchema } from '../helpers/postgres.js';
import { ADMIN_TOKEN } from '../helpers/server.js';
import {
  runMessages,
  simulatedInstall,
  shownState,
  stackBody,
  startWorkspace,
  until,
  type SimWorkspace,
} from './env.js';

const KEY = 'b'.repeat(64);
const TERMINAL = new Set(['FINISHED', 'FAILED', 'DISCARDED', 'CANCELED', 'STOPPED']);
const KILLS = 20;

interface Db {
  url: string;
  config: DatabaseConfig;
  env: Record<string, string>;
  drop(): Promise<void>;
}

killSuite('SQLite', async (dir) => ({
  url: `sqlite:${join(dir, 'liftoff.db')}`,
  config: { kind: 'sqlite', path: join(dir, 'liftoff.db') },
  env: {},
  drop: async () => {},
}));

// On PostgreSQL a restarted instance takes over the dead one's claims when their lease ends; a short lease keeps the
// test quick (production keeps 60 s, far above the 10 s Slack call timeout).
killSuite('PostgreSQL', async () => {
  const pg = await createPgSchema();
  if ('skip' in pg) return { skip: pg.skip };
  return {
    url: pg.url,
    config: { kind: 'postgres', url: pg.url },
    env: { LIFTOFF_NOTIFY_LEASE_MS: '1500' },
    drop: () => pg.drop(),
  };
});

function killSuite(name: string, open: (dir: string) => Promise<Db | { skip: string }>) {
  describe(`kill -9 during delivery (${name})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftoff-kill9-'));
    const opened = await open(dir);
    const skip = 'skip' in opened ? opened.skip : false;
    const db = opened as Db;
    const dbUrl = skip ? '' : db.url;
    let ws: SimWorkspace;
    let env: Record<string, string>;
    let proc: CliProcess | undefined;
    let port = 0;
    const channels = new Map<string, string>();
    const stacks = ['k1', 'k2', 'k3', 'k4', 'k5'];

    before(async () => {
      if (skip) return;
      // Slack's per-channel post pacing, but a chat.update tier far above 50/min: 100 runs through ~6 states each
      // would otherwise take minutes to show (pacing itself is covered by the fault test and the benchmark).
      ws = await startWorkspace({
        mode: 'custom',
        tiers: { 3: 1200 },
        postMessagePerChannel: { perSecond: 1, burst: 3 },
      });
      env = {
        PORT: '0',
        DATABASE_URL: dbUrl,
        LIFTOFF_ADMIN_TOKEN: ADMIN_TOKEN,
        LIFTOFF_ENCRYPTION_KEY: KEY,
        LIFTOFF_RUNNER_POLL_MS: '50',
        LIFTOFF_WORKER_LEASE_MS: '1000',
        LIFTOFF_NOTIFY_POLL_MS: '50',
        LIFTOFF_NOTIFY_RETRY_BASE_MS: '50',
        LIFTOFF_NOTIFY_RETRY_MAX_MS: '500',
        LIFTOFF_NOTIFY_RETRY_ATTEMPTS: '50',
        LIFTOFF_NOTIFY_UPDATES_PER_MIN: '1000',
        ...db.env,
        ...ws.slackEnv,
      };
      // Link the workspace and subscribe channels straight in the database the child will use.
      const storage = openDatabase(db.config);
      await migrate(storage.db, storage.dialect);
      await new InstallationStore(
        new SlackInstallationRepository(storage.db),
        new SecretCipher(Buffer.from(KEY, 'hex')),
        undefined,
      ).save(simulatedInstall(ws, null));
      await storage.close();
    });

    after(async () => {
      if (proc) await stopCli(proc, 'SIGKILL');
      await ws?.close();
      if (!skip) await db.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    async function call<T>(
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: T }> {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as T };
    }

    const restarts: number[] = [];
    async function startChild() {
      const t = Date.now();
      proc = spawnCli('start', env);
      port = await proc.port(30_000);
      restarts.push(Date.now() - t);
    }

    it(`loses nothing across ${KILLS} kill -9 restarts`, { skip }, async () => {
      await startChild();
      const storage = openDatabase(db.config);
      try {
        const subs = new SubscriptionStore(storage.db);
        for (const [i, id] of stacks.entries()) {
          // Short sleeps spread each run over a few hundred ms, so kills land mid-run and mid-delivery.
          const body = stackBody(id, i % 2 === 0 ? 0 : 2, { autodeploy: true });
          body.commands.plan = `sleep 0.1; ${body.commands.plan}`;
          assert.equal((await call('POST', '/api/v1/stacks', body)).status, 201);
          for (const suffix of ['a', 'b']) {
            const ch = ws.sim.control.createChannel({
              teamId: ws.demo.team.id,
              name: `${id}-${suffix}`,
              members: [],
            });
            channels.set(ch.id, id);
            await subs.add({
              stackId: id,
              channelId: ch.id,
              channelName: ch.name,
              teamId: ws.demo.team.id,
              createdBy: 'test',
            });
          }
        }

        const runs: Array<{ stack: string; id: string }> = [];
        const trigger = async () => {
          for (const s of stacks) {
            const r = await call<{ id: string }>('POST', `/api/v1/stacks/${s}/runs`);
            assert.equal(r.status, 201);
            runs.push({ stack: s, id: r.body.id });
          }
        };
        for (let kill = 0; kill < KILLS; kill++) {
          await trigger();
          // Let delivery get going, then kill at a random point of it.
          const calls = ws.sim.control.apiCalls({}).length;
          await until(() => ws.sim.control.apiCalls({}).length > calls, 'some Slack calls');
          await new Promise((r) => setTimeout(r, Math.random() * 400));
          proc!.child.kill('SIGKILL');
          await proc!.exited;
          await startChild();
        }

        const lastStart = Date.now();
        const final = new Map<string, string>();
        await until(
          async () => {
            for (const r of runs) {
              if (final.has(r.id)) continue;
              const run = await call<{ state: string }>('GET', `/api/v1/stacks/${r.stack}/runs/${r.id}`);
              if (TERMINAL.has(run.body.state)) final.set(r.id, run.body.state);
            }
            return final.size === runs.length;
          },
          'all runs final',
          120_000,
        );
        const subscribed = (r: { stack: string }) =>
          [...channels].filter(([, s]) => s === r.stack).map(([ch]) => ch);
        // The newest message of a (run, channel) is the one delivery keeps updating; an older one would be a duplicate
        // left behind by a post with an unknown outcome (counted below).
        const behind = () =>
          runs.flatMap((r) =>
            subscribed(r)
              .map((ch) => ({
                run: r.id,
                ch,
                final: final.get(r.id),
                shown: runMessages(ws.sim, ch, r.id).map((m) => shownState(m)),
              }))
              .filter((x) => x.shown.at(-1) !== x.final),
          );
        try {
          await until(() => behind().length === 0, 'every message in its final state', 60_000);
        } catch (err) {
          const rows = await storage.db.selectFrom('slack_messages').selectAll().execute();
          console.log(
            JSON.stringify(behind().slice(0, 5)),
            JSON.stringify(
              rows
                .filter((r) => behind().some((b) => b.run === r.run_id && b.ch === r.channel_id))
                .slice(0, 5),
            ),
          );
          throw err;
        }
        let duplicates = 0;
        for (const r of runs)
          for (const ch of subscribed(r)) duplicates += runMessages(ws.sim, ch, r.id).length - 1;
        const rows = await storage.db.selectFrom('slack_messages').select(['uncertain_posts']).execute();
        const uncertain = rows.reduce((n, r) => n + r.uncertain_posts, 0);
        const states = [...final.values()].reduce<Record<string, number>>(
          (m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }),
          {},
        );
        console.log(
          `# ${name}, ${KILLS} × kill -9: ${runs.length} runs (${JSON.stringify(states)}) × 2 channels, ${rows.length} messages, ` +
            `${ws.sim.control.apiCalls({}).filter((c) => c.method.startsWith('chat.')).length} chat calls, ` +
            `posts repeated after an unknown outcome: ${uncertain}, duplicate messages: ${duplicates}; ` +
            `start-up ${Math.round(restarts.reduce((a, b) => a + b, 0) / restarts.length)} ms on average, converged ${Math.round((Date.now() - lastStart) / 1000)} s after the last restart`,
        );
        assert.equal(rows.length, runs.length * 2, 'one delivery row per run and channel');
        // Duplicates are reported above; the documented window makes 0 the target, not a guarantee.
        assert.ok(duplicates <= uncertain, 'a duplicate only ever comes from a post with an unknown outcome');
      } finally {
        await storage.close();
      }
      await stopCli(proc!);
    });
  });
}
