// Two Liftoff instances (HTTP, runner and dispatcher each) on one PostgreSQL schema: 200 runs × 2 channels. Each
// message is posted exactly once and ends in its run's final state, whichever instance made the changes or sent
// the updates.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPgSchema, type PgSchema } from '../helpers/postgres.js';
import {
  link,
  runMessages,
  shownState,
  stackBody,
  startNotifyServer,
  startWorkspace,
  until,
  type NotifyServer,
  type SimWorkspace,
} from './env.js';

const TERMINAL = new Set(['FINISHED', 'FAILED', 'DISCARDED', 'CANCELED', 'STOPPED']);
const STACKS = 20;
const RUNS = 200;

describe('two instances on one PostgreSQL', async () => {
  const pg = await createPgSchema();
  const skip = 'skip' in pg ? pg.skip : false;
  let schema: PgSchema | undefined;
  let ws: SimWorkspace;
  const servers: NotifyServer[] = [];
  const channels = new Map<string, string>();

  before(async () => {
    if (skip) return;
    schema = pg as PgSchema;
    // Slack's per-channel pacing; a raised chat.update tier so 200 runs finish showing within the test's patience.
    ws = await startWorkspace({
      mode: 'custom',
      tiers: { 3: 6000 },
      postMessagePerChannel: { perSecond: 1, burst: 3 },
    });
    const tuning = {
      pacing: {
        channel: { capacity: 2, perSecond: 0.9 },
        methods: { 'chat.update': { capacity: 100, perSecond: 80 } },
      },
    };
    for (let i = 0; i < 2; i++)
      servers.push(await startNotifyServer(ws, { databaseUrl: schema.url, notifications: tuning }));
    await link(ws, servers[0]!.liftoff);
    for (let i = 0; i < STACKS; i++) {
      const id = `pg-${i}`;
      // Some plans find nothing, some apply on their own: every run ends by itself.
      assert.equal(
        (await servers[0]!.api('POST', '/api/v1/stacks', stackBody(id, i % 2 ? 0 : 2, { autodeploy: true })))
          .status,
        201,
      );
      for (const suffix of ['a', 'b']) {
        const ch = ws.sim.control.createChannel({
          teamId: ws.demo.team.id,
          name: `${id}-${suffix}`,
          members: [],
        });
        channels.set(ch.id, id);
        await servers[0]!.liftoff.slack.subscriptions.add({
          stackId: id,
          channelId: ch.id,
          channelName: ch.name,
          teamId: ws.demo.team.id,
          createdBy: 'test',
        });
      }
    }
  });

  after(async () => {
    for (const s of servers) await s.close();
    await ws?.close();
    await schema?.drop();
  });

  it(`${RUNS} runs × 2 channels: each message exactly once, in its final state`, { skip }, async () => {
    const runs: Array<{ stack: string; id: string }> = [];
    // Alternate instances so both make changes and both see the other's.
    for (let i = 0; i < RUNS; i++) {
      const stack = `pg-${i % STACKS}`;
      const r = await servers[i % 2]!.api<{ id: string }>('POST', `/api/v1/stacks/${stack}/runs`);
      assert.equal(r.status, 201);
      runs.push({ stack, id: r.body.id });
    }
    const final = new Map<string, string>();
    await until(
      async () => {
        for (const r of runs) {
          if (final.has(r.id)) continue;
          const run = await servers[0]!.api<{ state: string }>(
            'GET',
            `/api/v1/stacks/${r.stack}/runs/${r.id}`,
          );
          if (TERMINAL.has(run.body.state)) final.set(r.id, run.body.state);
        }
        return final.size === runs.length;
      },
      'all runs final',
      120_000,
    );
    const subscribed = (r: { stack: string }) =>
      [...channels].filter(([, s]) => s === r.stack).map(([ch]) => ch);
    await until(
      () =>
        runs.every((r) =>
          subscribed(r).every(
            (ch) =>
              runMessages(ws.sim, ch, r.id)
                .map((m) => shownState(m))
                .at(-1) === final.get(r.id),
          ),
        ),
      'every message in its final state',
      120_000,
    );
    let duplicates = 0;
    for (const r of runs)
      for (const ch of subscribed(r)) duplicates += runMessages(ws.sim, ch, r.id).length - 1;
    const calls = ws.sim.control.apiCalls({});
    const posts = calls.filter((c) => c.method === 'chat.postMessage' && c.ok).length;
    const updates = calls.filter((c) => c.method === 'chat.update' && c.ok).length;
    const limited = calls.filter((c) => c.httpStatus === 429).length;
    const byInstance = await Promise.all(
      servers.map(
        async (s) =>
          (await s.api<string>('GET', '/metrics')).body.match(
            /liftoff_slack_deliveries_sent_total\{method="chat\.(?:postMessage|update)"\} (\d+)/g,
          ) ?? [],
      ),
    );
    console.log(
      `# 2 instances, ${RUNS} runs × 2 channels: ${posts} posts, ${updates} updates, ${limited} × 429, duplicates ${duplicates}; sent per instance ${JSON.stringify(byInstance)}`,
    );
    assert.equal(duplicates, 0);
    assert.equal(posts, RUNS * 2);
  });
});
