// Slack misbehaving while runs move: 429 bursts (the simulator's budget tighter than our pacing), 5xx for a
// window, dropped connections. Every message must end showing its run's final state, one message per run and
// channel, none lost. Waits are bounded polls; nothing asserts on timing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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

describe('delivery under Slack faults', () => {
  let ws: SimWorkspace;
  let server: NotifyServer;
  /** channel → the stack it follows */
  const channels = new Map<string, string>();

  before(async () => {
    // chat.update far below our pacing (5 per 2 s instead of 45/min with bursts of 40): Slack has to say 429.
    ws = await startWorkspace({
      mode: 'custom',
      methods: { 'chat.update': { limit: 5, windowMs: 2000 } },
      postMessagePerChannel: { perSecond: 1, burst: 3 },
    });
    server = await startNotifyServer(ws);
    await link(ws, server.liftoff);
    // Plans that finish (no changes), apply (autodeploy) or fail: every run reaches a final state on its own.
    const stacks = [
      stackBody('s-none', 0),
      stackBody('s-auto', 2, { autodeploy: true }),
      stackBody('s-fail', 1),
      stackBody('s-auto2', 2, { autodeploy: true }),
    ];
    for (const s of stacks) {
      assert.equal((await server.api('POST', '/api/v1/stacks', s)).status, 201);
      for (const suffix of ['a', 'b']) {
        const ch = ws.sim.control.createChannel({
          teamId: ws.demo.team.id,
          name: `${s.id}-${suffix}`,
          members: [ws.demo.users.alice.id],
        });
        channels.set(ch.id, s.id);
        await server.liftoff.slack.subscriptions.add({
          stackId: s.id,
          channelId: ch.id,
          channelName: ch.name,
          teamId: ws.demo.team.id,
          createdBy: 'test',
        });
      }
    }
  });

  after(async () => {
    await server?.close();
    await ws?.close();
  });

  it('ends every message in its run’s final state through 429s, 30 s of 503s and dropped connections', async () => {
    const runs: Array<{ stack: string; id: string }> = [];
    const trigger = async (stack: string) => {
      const r = await server.api<{ id: string }>('POST', `/api/v1/stacks/${stack}/runs`);
      assert.equal(r.status, 201);
      runs.push({ stack, id: r.body.id });
    };
    const stacks = ['s-none', 's-auto', 's-fail', 's-auto2'];
    for (let i = 0; i < 5; i++) for (const s of stacks) await trigger(s);

    // Connections dropped mid-flight for both methods, then Slack's edge answering 503 for a while.
    ws.sim.control.injectFault({ method: 'chat.postMessage', kind: 'drop', times: 6 });
    ws.sim.control.injectFault({ method: 'chat.update', kind: 'drop', times: 6 });
    await until(
      () => ws.sim.control.apiCalls({ method: 'chat.update' }).length > 10,
      'updates under way',
      60_000,
    );
    // 503 for 30 s of the simulator's clock: once retries have met it a good number of times, the clock jumps
    // ahead instead of the test waiting (backoff runs on real time, bounded to 500 ms here).
    ws.sim.control.injectFault({ method: '*', kind: 'http_error', status: 503, durationMs: 30_000 });
    for (const s of stacks) await trigger(s);
    await until(
      () => ws.sim.control.apiCalls({}).filter((c) => c.httpStatus === 503).length >= 20,
      '503s met',
    );
    ws.sim.control.advanceClock(30_000);

    const final = new Map<string, string>();
    await until(
      async () => {
        for (const r of runs) {
          if (final.has(r.id)) continue;
          const run = await server.api<{ state: string }>('GET', `/api/v1/stacks/${r.stack}/runs/${r.id}`);
          if (TERMINAL.has(run.body.state)) final.set(r.id, run.body.state);
        }
        return final.size === runs.length;
      },
      'all runs final',
      120_000,
    );
    await until(
      () =>
        runs.every((r) =>
          [...channels]
            .filter(([, s]) => s === r.stack)
            .every(([ch]) => {
              const m = runMessages(ws.sim, ch, r.id);
              return m.length >= 1 && shownState(m[m.length - 1]!) === final.get(r.id);
            }),
        ),
      'every message in its final state',
      120_000,
    );
    let duplicates = 0;
    for (const r of runs)
      for (const [ch, s] of channels)
        if (s === r.stack) duplicates += runMessages(ws.sim, ch, r.id).length - 1;
    const calls = ws.sim.control.apiCalls({});
    const count = (p: (c: (typeof calls)[number]) => boolean) => calls.filter(p).length;
    const uncertain = await server.notifications.store.list({ limit: 1000 });
    console.log(
      `# ${runs.length} runs × 2 channels: ${count((c) => c.method.startsWith('chat.'))} chat calls, ` +
        `${count((c) => c.httpStatus === 429)} × 429, ${count((c) => c.httpStatus === 503)} × 503, ` +
        `${count((c) => c.error === 'connection_dropped')} dropped, uncertain posts ${uncertain.reduce((n, d) => n + d.uncertain_posts, 0)}, duplicates ${duplicates}`,
    );
    assert.ok(count((c) => c.httpStatus === 429) > 0, 'the simulator rate-limited us at least once');
    assert.equal(duplicates, 0);
    const parked = uncertain.filter((d) => d.status !== 'pending');
    assert.deepEqual(parked, []);
  });
});
