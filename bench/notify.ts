// Slack notification delivery benchmark: 500 runs over 50 stacks, 100 subscribed channels (2 per stack), the Slack
// simulator with Slack's limits (chat.postMessage 1/s per channel with bursts of 3; tier budgets per minute). The
// service runs as a child process (the real CLI, SQLite, embedded runner), the simulator in this process.
//
//   Phase 1 (under the limits): runs triggered at a steady pace the budgets absorb → latency from a run's state
//   change to the Slack call that first showed it (p50/p99).
//   Phase 2 (burst): the remaining runs all at once → drain time, Slack calls per state change (coalescing).
//   Both: 429s received (target 0) and every message's final state checked against its run.
//
//   npm run bench:notify     (BENCH_RUNS, BENCH_STACKS, BENCH_STEADY_RUNS, BENCH_STEADY_RATE runs/s,
//                             BENCH_UPDATES_PER_MIN: chat.update budget, default 1000 — see docs/benchmarks.md)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startLiftoff } from './liftoff-process.js';
import { machineLine, percentile } from './measure.js';
import { join } from 'node:path';
import { seedDemo, startSlackSim } from '@liftoff/slack-sim';
import { InstallationStore } from '../packages/server/src/slack/platform/installation.js';
import { SlackInstallationRepository } from '../packages/server/src/storage/slack-installations.js';
import { SubscriptionStore } from '../packages/server/src/storage/slack-subscriptions.js';
import { SecretCipher } from '../packages/server/src/secret-cipher.js';
import { openDatabase } from '../packages/server/src/storage/database.js';
import { migrate } from '../packages/server/src/storage/migrations/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const STACKS = Number(process.env.BENCH_STACKS ?? 50);
const STEADY_RUNS = Number(process.env.BENCH_STEADY_RUNS ?? 100);
const STEADY_RATE = Number(process.env.BENCH_STEADY_RATE ?? 2);
const UPDATES_PER_MIN = Number(process.env.BENCH_UPDATES_PER_MIN ?? 1000);
const ADMIN = 'bench-admin-token-0123456789';
const KEY = 'c'.repeat(64);
const TERMINAL = new Set(['FINISHED', 'FAILED', 'DISCARDED', 'CANCELED', 'STOPPED']);
const SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'channels:read',
  'groups:read',
  'team:read',
];

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

interface RunJson {
  id: string;
  state: string;
  history: Array<{ state: string; at: string }>;
}

function shown(m: { attachments: Array<Record<string, unknown>> | null }): string | undefined {
  for (const a of m.attachments ?? [])
    for (const b of (a.blocks as Array<{ fields?: Array<{ text: string }> }> | undefined) ?? [])
      for (const f of b.fields ?? []) {
        const x = /^\*Current state\*\n([A-Z]+)/.exec(f.text);
        if (x) return x[1];
      }
  return undefined;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-bench-notify-'));
  // Slack's limits, except chat.update's tier-3 budget (see the header).
  const sim = await startSlackSim({
    rateLimits: {
      mode: 'custom',
      tiers: { 3: Math.ceil(UPDATES_PER_MIN * 1.1) },
      postMessagePerChannel: { perSecond: 1, burst: 3 },
    },
  });
  const demo = seedDemo(sim.control);
  const storage = openDatabase({ kind: 'sqlite', path: join(dir, 'liftoff.db') });
  await migrate(storage.db, storage.dialect);
  const inst = sim.control.install({ appId: demo.app.id, teamId: demo.team.id, scopes: SCOPES });
  await new InstallationStore(
    new SlackInstallationRepository(storage.db),
    new SecretCipher(Buffer.from(KEY, 'hex')),
    undefined,
  ).save({
    teamId: demo.team.id,
    teamName: demo.team.name,
    enterpriseId: null,
    enterpriseName: null,
    isEnterpriseInstall: false,
    appId: demo.app.id,
    botUserId: inst.botUserId,
    botId: inst.botId,
    scopes: inst.scopes,
    installedBy: 'bench',
    installerSlackUserId: null,
    botToken: inst.botToken,
    refreshToken: null,
    expiresAt: null,
  });

  const { server, port } = await startLiftoff({
    DATABASE_URL: `sqlite:${join(dir, 'liftoff.db')}`,
    LIFTOFF_ADMIN_TOKEN: ADMIN,
    LIFTOFF_ENCRYPTION_KEY: KEY,
    LIFTOFF_RUNNER_CONCURRENCY: '16',
    LIFTOFF_RUNNER_POLL_MS: '100',
    LIFTOFF_NOTIFY_UPDATES_PER_MIN: String(UPDATES_PER_MIN),
    SLACK_CLIENT_ID: demo.app.clientId,
    SLACK_CLIENT_SECRET: demo.app.clientSecret,
    SLACK_SIGNING_SECRET: demo.app.signingSecret,
    SLACK_API_URL: sim.apiUrl,
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(base + path, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : {}) as T;
    };

    const subs = new SubscriptionStore(storage.db);
    const channelsOf = new Map<string, string[]>();
    for (let i = 0; i < STACKS; i++) {
      const id = `bench-${i}`;
      // Half find nothing to change (FINISHED after planning), half apply on their own (autodeploy).
      await call('POST', '/api/v1/stacks', {
        id,
        name: `Bench ${i}`,
        autodeploy: true,
        commands: {
          init: 'true',
          plan: `echo "Plan: 1 to add, 0 to change, 0 to destroy."; exit ${i % 2 ? 0 : 2}`,
          apply: 'true',
        },
      });
      const list: string[] = [];
      for (const s of ['a', 'b']) {
        const ch = sim.control.createChannel({ teamId: demo.team.id, name: `${id}-${s}`, members: [] });
        await subs.add({
          stackId: id,
          channelId: ch.id,
          channelName: ch.name,
          teamId: demo.team.id,
          createdBy: 'bench',
        });
        list.push(ch.id);
      }
      channelsOf.set(id, list);
    }

    const runs: Array<{ stack: string; id: string; phase: 1 | 2 }> = [];
    const trigger = async (i: number, phase: 1 | 2) => {
      const stack = `bench-${i % STACKS}`;
      const r = await call<RunJson>('POST', `/api/v1/stacks/${stack}/runs`);
      runs.push({ stack, id: r.id, phase });
    };
    // Polls gently (one list per stack with unfinished runs, then the channels) so the benchmark's own load on the
    // service and on the simulator stays small next to what it measures.
    const waitFinal = async (subset: typeof runs) => {
      const final = new Map<string, RunJson>();
      const deadline = Date.now() + 30 * 60_000;
      for (;;) {
        const open = new Set(subset.filter((r) => !final.has(r.id)).map((r) => r.stack));
        for (const stack of open)
          for (const run of await call<RunJson[]>('GET', `/api/v1/stacks/${stack}/runs?limit=100`))
            if (TERMINAL.has(run.state)) final.set(run.id, run);
        if (subset.every((r) => final.has(r.id))) {
          const shownAll = subset.every((r) =>
            channelsOf
              .get(r.stack)!
              .every((ch) => messagesOf(ch, r.id).map(shown).at(-1) === final.get(r.id)!.state),
          );
          if (shownAll) return final;
        }
        if (Date.now() > deadline) throw new Error('timed out waiting for final states');
        await sleep(1000);
      }
    };
    const messagesOf = (ch: string, runId: string) =>
      sim.control.messages(ch).filter((m) => JSON.stringify(m.attachments ?? []).includes(`/runs/${runId}|`));

    // Phase 1: steady pace.
    const t1 = performance.now();
    for (let i = 0; i < STEADY_RUNS; i++) {
      const due = t1 + (i * 1000) / STEADY_RATE;
      await sleep(due - performance.now());
      await trigger(i, 1);
    }
    const final1 = await waitFinal(runs);
    const calls1 = sim.control.apiCalls({}).length;

    // Phase 2: burst.
    const t2 = performance.now();
    for (let i = STEADY_RUNS; i < RUNS; i++) await trigger(i, 2);
    const final2 = await waitFinal(runs.filter((r) => r.phase === 2));
    const drainSeconds = (performance.now() - t2) / 1000;

    // Latency per state change and channel: from the change to the first message version showing it or a later one.
    const latencies: Record<1 | 2, number[]> = { 1: [], 2: [] };
    let changes: Record<1 | 2, number> = { 1: 0, 2: 0 };
    let duplicates = 0;
    let wrong = 0;
    for (const r of runs) {
      const run = (r.phase === 1 ? final1 : final2).get(r.id)!;
      const order = run.history.map((h) => h.state);
      for (const ch of channelsOf.get(r.stack)!) {
        const msgs = messagesOf(ch, r.id);
        duplicates += Math.max(0, msgs.length - 1);
        const m = msgs.at(-1)!;
        if (shown(m) !== run.state) wrong++;
        const versions = m.history.map((v) => ({ at: v.at, idx: order.lastIndexOf(shown(v) ?? '') }));
        run.history.forEach((h, i) => {
          changes[r.phase]++;
          const v = versions.find((x) => x.idx >= i);
          if (v) latencies[r.phase].push(v.at - Date.parse(h.at));
        });
      }
    }
    changes = { 1: changes[1], 2: changes[2] };
    const calls = sim.control.apiCalls({});
    const chat = (from: number, to: number) =>
      calls.slice(from, to).filter((c) => c.method.startsWith('chat.') && c.ok).length;
    const limited = calls.filter((c) => c.httpStatus === 429).length;
    const s1 = [...latencies[1]].sort((a, b) => a - b);
    const s2 = [...latencies[2]].sort((a, b) => a - b);
    console.log(machineLine());
    console.log(
      `${RUNS} runs over ${STACKS} stacks, ${STACKS * 2} channels; simulator: chat.postMessage 1/s per channel (burst 3), chat.update ${Math.ceil(UPDATES_PER_MIN * 1.1)}/min (paced at ${UPDATES_PER_MIN}/min); Liftoff paces posts at 0.9/s per channel and 600/min per workspace; SQLite`,
    );
    console.log('');
    console.log(
      '| phase | runs | state changes × channels | Slack chat calls | calls per change | latency p50 ms | latency p99 ms |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    console.log(
      `| steady ${STEADY_RATE} runs/s | ${STEADY_RUNS} | ${changes[1]} | ${chat(0, calls1)} | ${(chat(0, calls1) / changes[1]).toFixed(2)} | ${percentile(s1, 50).toFixed(0)} | ${percentile(s1, 99).toFixed(0)} |`,
    );
    console.log(
      `| burst (all at once) | ${RUNS - STEADY_RUNS} | ${changes[2]} | ${chat(calls1, calls.length)} | ${(chat(calls1, calls.length) / changes[2]).toFixed(2)} | ${percentile(s2, 50).toFixed(0)} | ${percentile(s2, 99).toFixed(0)} |`,
    );
    console.log('');
    console.log(
      `burst drained in ${drainSeconds.toFixed(1)} s; 429s received: ${limited}; duplicate messages: ${duplicates}; messages not in their run's final state: ${wrong}`,
    );
    if (wrong > 0 || duplicates > 0) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await storage.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
