// Slack command latency: signed `/liftoff list` commands (users.info cached after the first, 3 stacks with the
// seed's access policy evaluated per command, the answer posted to response_url) against Liftoff, side by side with
// a bare Bolt app on the same receiver that only acks. 50 concurrent senders for 10 s each; the ack latency is
// measured by the Slack simulator, which sends the signed requests as Slack does. Three processes: the simulator,
// Liftoff (the real CLI, SQLite, runner off) and the bare app, so none shares the load generator's event loop.
//
//   npm run bench:slack            (BENCH_SECONDS=10 BENCH_CONCURRENCY=50 to change the load)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { machineLine, percentile } from './measure.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const ADMIN = 'bench-admin-token-0123456789';
const root = fileURLToPath(new URL('..', import.meta.url));
const SEED_POLICY = 'package spacelift\n\nwrite {\n  input.slack.channel.name = "dev-notifications"\n}\n';

interface Started {
  child: ChildProcess;
  output: () => string;
}

function start(
  script: string,
  args: string[],
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Started {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--conditions=source', '--import', 'tsx', join(root, script), ...args],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function waitFor<T>(p: Started, pattern: RegExp, pick: (m: RegExpExecArray) => T): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const m = pattern.exec(p.output());
    if (m) return pick(m);
    if (p.child.exitCode !== null) throw new Error(`process exited: ${p.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out: ${p.output()}`);
}

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const r = await fetch(url, init);
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url}: ${r.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function waitUntilUp(p: Started, url: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null) throw new Error(`process exited: ${p.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up: ${p.output()}`);
}

interface Demo {
  url: string;
  apiUrl: string;
  authorizeUrl: string;
  app: { id: string; clientId: string; clientSecret: string; signingSecret: string };
  users: { alice: { id: string } };
  channels: { devNotifications: { id: string } };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-bench-slack-'));
  const procs: Started[] = [];
  try {
    const sim = start('packages/slack-sim/src/cli.ts', ['--port', '0', '--rate-limits', 'off', '--json'], {});
    procs.push(sim);
    const demo = await waitFor(sim, /^(\{.*\})$/m, (m) => JSON.parse(m[1]!) as Demo);

    // Request logging off in both apps (the bare one logs at warn too): a fixed free port instead of the log line.
    const port = await freePort();
    const liftoff = start(
      'packages/server/src/cli.ts',
      ['start'],
      {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: `sqlite:${join(dir, 'liftoff.db')}`,
        LIFTOFF_ADMIN_TOKEN: ADMIN,
        LIFTOFF_RUNNER: 'off',
        LOG_LEVEL: 'warn',
        SLACK_CLIENT_ID: demo.app.clientId,
        SLACK_CLIENT_SECRET: demo.app.clientSecret,
        SLACK_SIGNING_SECRET: demo.app.signingSecret,
        SLACK_API_URL: demo.apiUrl,
        SLACK_AUTHORIZE_URL: demo.authorizeUrl,
      },
      (process.env.BENCH_LIFTOFF_NODE_ARGS ?? '').split(' ').filter(Boolean),
    );
    procs.push(liftoff);
    const base = `http://127.0.0.1:${port}`;
    await waitUntilUp(liftoff, `${base}/healthz`);
    const control = (op: string, args: unknown[]) =>
      json(`${demo.url}/_sim/control/${op}`, { method: 'POST', body: JSON.stringify(args) });
    await control('updateApp', [
      demo.app.id,
      { requestUrl: `${base}/slack/events`, redirectUrls: [`${base}/slack/oauth_redirect`] },
    ]);

    // Link through OAuth as an admin's browser does.
    const install = await fetch(`${base}/slack/install`, {
      redirect: 'manual',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    if (install.status !== 302) throw new Error(`/slack/install: ${install.status} ${await install.text()}`);
    const cookie = (install.headers.get('set-cookie') ?? '').split(';')[0]!;
    const authorize = await fetch(install.headers.get('location')!, { redirect: 'manual' });
    const callback = await fetch(authorize.headers.get('location')!, {
      redirect: 'manual',
      headers: { cookie },
    });
    if (callback.status !== 200) throw new Error(`OAuth failed: ${callback.status}`);
    await control('inviteBot', [demo.channels.devNotifications.id, demo.app.id]);

    const api = (method: string, path: string, body?: unknown) =>
      json(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    await api('POST', '/api/v1/policies', {
      id: 'seed',
      name: 'seed',
      type: 'ACCESS',
      body: SEED_POLICY,
      rego_version: 'v0',
      labels: [],
    });
    for (const id of ['alpha', 'beta', 'gamma']) {
      await api('POST', '/api/v1/stacks', { id, labels: [], commands: { plan: 'true', apply: 'true' } });
      await api('PUT', `/api/v1/stacks/${id}/policies/seed`);
    }

    const bare = start('bench/slack-bare-app.ts', [], { SLACK_SIGNING_SECRET: demo.app.signingSecret });
    procs.push(bare);
    const barePort = await waitFor(bare, /\{"port":(\d+)\}/, (m) => Number(m[1]));

    const command = {
      channel: demo.channels.devNotifications.id,
      user: demo.users.alice.id,
      command: '/liftoff',
      text: 'list',
    };
    // One command first: its answer proves the policies allow the stacks (and caches the user).
    const probe = await json<{ status: number; responseUrl: string }>(
      `${demo.url}/_sim/driver/slashCommand`,
      {
        method: 'POST',
        body: JSON.stringify([command]),
      },
    );
    if (probe.status !== 200) throw new Error(`probe: ${probe.status}`);
    await new Promise((r) => setTimeout(r, 500));
    const urls = await json<Array<{ url: string; posts: Array<{ body: { text: string } }> }>>(
      `${demo.url}/_sim/response-urls`,
    );
    const answer = urls.find((u) => u.url === probe.responseUrl)?.posts[0]?.body.text ?? '';
    if (!/`alpha`.*\n.*`beta`.*\n.*`gamma`/.test(answer))
      throw new Error(`unexpected list answer: ${answer}`);

    interface Phase {
      acks: number[];
      failures: number;
      /** Acked with "busy" (the after-ack queue was full): no answer will follow. */
      busy: number;
      /** Failed deliveries by status (or the simulator's error, e.g. operation_timeout). */
      failedBy: Record<string, number>;
      seconds: number;
    }
    const phase = (): Phase => ({ acks: [], failures: 0, busy: 0, failedBy: {}, seconds: 0 });

    async function load(target: string | undefined, seconds: number, into: Phase) {
      const deadline = performance.now() + seconds * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < deadline) {
            const r = await json<{
              status: number | null;
              error: string | null;
              ackMs: number;
              json: { text?: string } | null;
            }>(`${demo.url}/_sim/driver/slashCommand`, {
              method: 'POST',
              body: JSON.stringify([command, target ? { url: target } : {}]),
            });
            if (r.status === 200) into.acks.push(r.ackMs);
            else {
              into.failures++;
              const why = String(r.status ?? r.error);
              into.failedBy[why] = (into.failedBy[why] ?? 0) + 1;
            }
            if (r.json?.text?.includes('busy')) into.busy++;
          }
        }),
      );
      into.seconds += (performance.now() - started) / 1000;
    }

    function summary(p: Phase) {
      const sorted = [...p.acks].sort((a, b) => a - b);
      return {
        n: sorted.length,
        failures: p.failures,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        rps: sorted.length / p.seconds,
      };
    }

    const bareUrl = `http://127.0.0.1:${barePort}/slack/events`;
    // Warm-up (JIT, connections), then the measured runs interleaved in rounds so that background load on the
    // machine affects both alike.
    await load(bareUrl, 2, phase());
    const liftoffWarmup = phase();
    await load(undefined, 2, liftoffWarmup);
    const ROUNDS = 10;
    const bareAll = phase();
    const liftoffAll = phase();
    for (let i = 0; i < ROUNDS; i++) {
      await load(bareUrl, SECONDS / ROUNDS, bareAll);
      await load(undefined, SECONDS / ROUNDS, liftoffAll);
    }
    const bareRun = summary(bareAll);
    const liftoffRun = summary(liftoffAll);

    // Every Liftoff ack promised an answer through response_url (the bare app's never get one): wait until the
    // backlog has drained and count them.
    const liftoffAcked =
      1 + liftoffWarmup.acks.length + liftoffAll.acks.length - liftoffWarmup.busy - liftoffAll.busy;
    const drainStart = performance.now();
    let answered = 0;
    while (performance.now() - drainStart < 60_000) {
      const all = await json<Array<{ posts: unknown[] }>>(`${demo.url}/_sim/response-urls`);
      answered = all.filter((u) => u.posts.length > 0).length;
      if (answered >= liftoffAcked) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;

    const f = (n: number) => n.toFixed(2);
    console.log(machineLine());
    console.log(
      `signed "/liftoff list" through the Slack simulator, ${CONCURRENCY} concurrent senders, ${SECONDS} s per app (10 interleaved rounds); ack latency as measured by the simulator`,
    );
    console.log('');
    console.log('| app | acks | failed | ack p50 ms | ack p99 ms | commands/s |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    console.log(
      `| bare Bolt app, same receiver, ack only | ${bareRun.n} | ${bareRun.failures} | ${f(bareRun.p50)} | ${f(bareRun.p99)} | ${bareRun.rps.toFixed(0)} |`,
    );
    console.log(
      `| Liftoff (users.info cached, 3 stacks × seed policy, answer via response_url) | ${liftoffRun.n} | ${liftoffRun.failures} | ${f(liftoffRun.p50)} | ${f(liftoffRun.p99)} | ${liftoffRun.rps.toFixed(0)} |`,
    );
    console.log('');
    console.log(
      `Liftoff answers posted to response_url: ${answered} of ${liftoffAcked} accepted commands (incl. warm-up; ${liftoffWarmup.busy + liftoffAll.busy} more were acked "busy"); ${answered >= liftoffAcked ? `the backlog drained ${drainSeconds.toFixed(1)} s after the load stopped` : `not all within ${drainSeconds.toFixed(0)} s after the load stopped`}`,
    );
    for (const [name, p] of [
      ['bare', bareAll],
      ['Liftoff', liftoffAll],
    ] as const)
      if (p.failures > 0) console.log(`${name} failed deliveries: ${JSON.stringify(p.failedBy)}`);
    const problems = liftoff
      .output()
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l));
    if (problems.length > 0)
      console.log(`Liftoff logged ${problems.length} errors, e.g. ${problems.slice(0, 3).join('\n')}`);
    const ratio = liftoffRun.p99 / bareRun.p99;
    console.log(
      `p99 ratio Liftoff / bare: ${ratio.toFixed(2)} (target ≤ 1.5: ${ratio <= 1.5 ? 'met' : 'NOT met'})`,
    );
  } finally {
    for (const p of procs.reverse()) {
      if (p.child.exitCode === null) {
        p.child.kill('SIGTERM');
        await new Promise((r) => p.child.once('exit', r));
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
