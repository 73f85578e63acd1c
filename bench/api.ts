// API latency benchmark: GET /api/v1/stacks/{id} for a non-admin key with 3 attached access policies vs. an admin
// key (no policy evaluation), 50 concurrent clients. The server runs in a child process (the real CLI, SQLite,
// runner off) so the load generator does not share its event loop.
//
//   npm run bench:api                 (BENCH_REQUESTS=20000 BENCH_CONCURRENCY=50 BENCH_ROUNDS=40 to change the load)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { startLiftoff } from './liftoff-process.js';
import { machineLine, percentile } from './measure.js';
import { join } from 'node:path';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 250);
const PACED_REQUESTS = Number(process.env.BENCH_PACED_REQUESTS ?? 5000);
/** Admin and non-admin batches alternate this many times: short batches spread background load over both. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const ADMIN = 'bench-admin-token-0123456789';

const POLICIES = [
  {
    id: 'read-engineering',
    rego_version: 'v1',
    body: 'package spacelift\n\nread if {\n  some team in input.session.teams\n  team == "Engineering"\n}\n',
  },
  {
    id: 'write-office-hours',
    rego_version: 'v0',
    body: [
      'package spacelift',
      'now     := input.request.timestamp_ns',
      'clock   := time.clock([now, "America/Los_Angeles"])',
      'weekend := { "Saturday", "Sunday" }',
      'weekday := time.weekday(now)',
      'ip      := input.request.remote_ip',
      'write      { input.session.teams[_] == "Product team" }',
      'deny_write { weekend[weekday] }',
      'deny_write { clock[0] < 9 }',
      'deny_write { clock[0] > 17 }',
      'deny_write { not net.cidr_contains("12.34.56.0/24", ip) }',
    ].join('\n'),
  },
  {
    id: 'deny-write-administrative',
    rego_version: 'v0',
    body: 'package spacelift\ndeny_write { input.stack.administrative }\n',
  },
];

function sleep(ms: number) {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/**
 * CPU seconds (user + system) the server process has used so far, from /proc (Linux; NaN elsewhere). Unlike
 * latency, it does not grow while other processes on a shared machine hold the cores.
 */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

async function main() {
  const loadBefore = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-bench-'));
  const { server, port } = await startLiftoff({
    DATABASE_URL: `sqlite:${join(dir, 'liftoff.db')}`,
    LIFTOFF_ADMIN_TOKEN: ADMIN,
    LIFTOFF_RUNNER: 'off',
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, body?: unknown, key = ADMIN) => {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };

    await call('POST', '/api/v1/stacks', {
      id: 'bench',
      labels: ['prod'],
      commands: { plan: 'true', apply: 'true' },
    });
    for (const p of POLICIES) {
      await call('POST', '/api/v1/policies', { ...p, type: 'ACCESS' });
      await call('PUT', `/api/v1/stacks/bench/policies/${p.id}`);
    }
    const user = (await call('POST', '/api/v1/api-keys', { name: 'bench', teams: ['Engineering'] }))
      .secret as string;
    const check = await fetch(`${base}/api/v1/stacks/bench`, {
      headers: { authorization: `Bearer ${user}` },
    });
    if (check.status !== 200) throw new Error(`non-admin key cannot read the stack: ${check.status}`);

    interface Pool {
      latencies: number[];
      seconds: number;
      /** Server CPU seconds spent during this pool's batches. */
      cpu: number;
    }
    /** `rate` (req/s over all clients) paces the clients (open load); without it they go flat out (saturation). */
    /** Returns this batch's latencies (also added to `pool`). */
    async function load(key: string, total: number, concurrency: number, pool: Pool, rate?: number) {
      const batch: number[] = [];
      let issued = 0;
      const started = performance.now();
      const cpuStarted = cpuSeconds(server.pid);
      await Promise.all(
        Array.from({ length: concurrency }, async (_, client) => {
          if (rate) await sleep(((client / concurrency) * concurrency * 1000) / rate);
          while (issued < total) {
            issued++;
            const due = performance.now() + (rate ? (concurrency * 1000) / rate : 0);
            const t0 = performance.now();
            const res = await fetch(`${base}/api/v1/stacks/bench`, {
              headers: { authorization: `Bearer ${key}` },
            });
            await res.arrayBuffer();
            batch.push(performance.now() - t0);
            if (res.status !== 200) throw new Error(`status ${res.status}`);
            if (rate) await sleep(due - performance.now());
          }
        }),
      );
      pool.seconds += (performance.now() - started) / 1000;
      pool.cpu += cpuSeconds(server.pid) - cpuStarted;
      for (const l of batch) pool.latencies.push(l);
      return batch;
    }
    function summary(pool: Pool) {
      const sorted = [...pool.latencies].sort((a, b) => a - b);
      return {
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        rps: sorted.length / pool.seconds,
        cpuUs: (pool.cpu / sorted.length) * 1e6,
      };
    }
    // Admin and non-admin batches alternate (order flipping every round) so that background load on the machine
    // hits both sides alike. Each round also gives a paired p50 difference; their median is the overhead figure
    // least moved by a burst of load from elsewhere on a shared machine.
    async function compare(total: number, concurrency: number, rate?: number) {
      const rounds = rate ? Math.min(ROUNDS, 10) : ROUNDS;
      const a: Pool = { latencies: [], seconds: 0, cpu: 0 };
      const n: Pool = { latencies: [], seconds: 0, cpu: 0 };
      const deltas: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const batch = Math.ceil(total / rounds);
        let adminBatch: number[];
        let userBatch: number[];
        if (r % 2 === 0) {
          adminBatch = await load(ADMIN, batch, concurrency, a, rate);
          userBatch = await load(user, batch, concurrency, n, rate);
        } else {
          userBatch = await load(user, batch, concurrency, n, rate);
          adminBatch = await load(ADMIN, batch, concurrency, a, rate);
        }
        deltas.push(median(userBatch) - median(adminBatch));
      }
      return { admin: summary(a), nonAdmin: summary(n), pairedDelta: median(deltas) };
    }

    // Warm-up: JIT, policy compilation cache, connection pool.
    await compare(4000, CONCURRENCY);

    const { admin, nonAdmin, pairedDelta } = await compare(REQUESTS, CONCURRENCY);
    const { admin: admin1, nonAdmin: nonAdmin1 } = await compare(4000, 1);
    // The same 50 clients at a steady offered load well under capacity: latency without queueing amplification.
    const { admin: adminPaced, nonAdmin: nonAdminPaced } = await compare(
      PACED_REQUESTS,
      CONCURRENCY,
      PACED_RATE,
    );

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const sum = Number(/liftoff_policy_evaluation_duration_seconds_sum (\S+)/.exec(metrics)?.[1] ?? NaN);
    const count = Number(/liftoff_policy_evaluation_duration_seconds_count (\S+)/.exec(metrics)?.[1] ?? NaN);

    const f = (n: number) => n.toFixed(3);
    const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    console.log(machineLine());
    console.log(`load average (1/5/15 min): ${la(loadBefore)} at start, ${la(loadavg())} at end`);
    console.log(
      `GET /api/v1/stacks/{id}, ${REQUESTS} requests, ${CONCURRENCY} concurrent clients, SQLite, 3 attached ACCESS policies`,
    );
    console.log('');
    console.log('| key | clients | p50 ms | p99 ms | req/s |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(
      `| admin (no policy evaluation) | ${CONCURRENCY} | ${f(admin.p50)} | ${f(admin.p99)} | ${admin.rps.toFixed(0)} |`,
    );
    console.log(
      `| non-admin, 3 policies | ${CONCURRENCY} | ${f(nonAdmin.p50)} | ${f(nonAdmin.p99)} | ${nonAdmin.rps.toFixed(0)} |`,
    );
    console.log(
      `| admin (no policy evaluation) | 1 | ${f(admin1.p50)} | ${f(admin1.p99)} | ${admin1.rps.toFixed(0)} |`,
    );
    console.log(
      `| non-admin, 3 policies | 1 | ${f(nonAdmin1.p50)} | ${f(nonAdmin1.p99)} | ${nonAdmin1.rps.toFixed(0)} |`,
    );
    console.log(
      `| admin (no policy evaluation) | ${CONCURRENCY} paced, ${PACED_RATE} req/s | ${f(adminPaced.p50)} | ${f(adminPaced.p99)} | ${adminPaced.rps.toFixed(0)} |`,
    );
    console.log(
      `| non-admin, 3 policies | ${CONCURRENCY} paced, ${PACED_RATE} req/s | ${f(nonAdminPaced.p50)} | ${f(nonAdminPaced.p99)} | ${nonAdminPaced.rps.toFixed(0)} |`,
    );
    console.log('');
    console.log(
      `policy overhead at p50, ${CONCURRENCY} clients: ${f(nonAdmin.p50 - admin.p50)} ms (target ≤ 0.3 ms); ratio non-admin/admin ${(nonAdmin.p50 / admin.p50).toFixed(3)}`,
    );
    console.log(
      `policy overhead at p50, ${CONCURRENCY} clients, median of ${ROUNDS} paired rounds: ${f(pairedDelta)} ms`,
    );
    console.log(
      `policy overhead at p50, ${CONCURRENCY} clients paced at ${PACED_RATE} req/s: ${f(nonAdminPaced.p50 - adminPaced.p50)} ms`,
    );
    console.log(`policy overhead at p50, 1 client: ${f(nonAdmin1.p50 - admin1.p50)} ms`);
    console.log(
      `server CPU per request (all threads incl. GC, 10 ms ticks), ${CONCURRENCY} clients: admin ${admin.cpuUs.toFixed(0)} µs, ` +
        `non-admin ${nonAdmin.cpuUs.toFixed(0)} µs, difference ${(nonAdmin.cpuUs - admin.cpuUs).toFixed(1)} µs`,
    );
    console.log(
      `policy overhead per request from throughput (1/rps difference, ${CONCURRENCY} clients): ${f(1000 / nonAdmin.rps - 1000 / admin.rps)} ms`,
    );
    console.log(
      `server-side mean time per policy evaluation: ${f((sum / count) * 1000)} ms over ${count} evaluations`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
