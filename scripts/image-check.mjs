// Checks an assembled image tree (scripts/image-build-steps.sh OUT) the way the image runs it: only OUT's own files
// and node_modules, `liftoff` started through its bin. Plain JavaScript, so it needs nothing from the source tree.
//
//   node scripts/image-check.mjs OUT
//
// liftoff --help; liftoff migrate on a fresh SQLite database; liftoff start answering /healthz, serving the web UI
// and running a stack's run to FINISHED with its embedded runner; liftoff worker starting; both stopping cleanly on
// SIGTERM, as tini delivers it in the container.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const out = resolve(process.argv[2] ?? '');
if (!process.argv[2]) {
  console.error('usage: node scripts/image-check.mjs OUT');
  process.exit(2);
}
const bin = join(out, 'packages/server/bin/liftoff.js');
const data = mkdtempSync(join(tmpdir(), 'liftoff-image-check-'));
const ADMIN = 'image-check-admin-token-0123';
const children = new Set();

/** The environment of a container: nothing of this shell's but PATH and HOME. */
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  TMPDIR: data,
  DATABASE_URL: `sqlite:${join(data, 'liftoff.db')}`,
  LOG_LEVEL: 'info',
};

function fail(message) {
  throw new Error(`image check: ${message}`);
}

function liftoffSync(args) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: out, env, encoding: 'utf8' });
  return { code: r.status, output: r.stdout + r.stderr };
}

/** Starts `liftoff <command>`; resolves once `ready` matches its log. */
function liftoff(command, extraEnv, ready) {
  const child = spawn(process.execPath, [bin, command], {
    cwd: out,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const exited = new Promise((done) => child.on('exit', (code) => done(code)));
  const started = new Promise((done, reject) => {
    const look = (chunk) => {
      output += chunk;
      const m = ready.exec(output);
      if (m) done(m);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    void exited.then((code) =>
      reject(new Error(`liftoff ${command} exited (${code}) before it was ready:\n${output}`)),
    );
  });
  return {
    started,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      children.delete(child);
      if (code !== 0) fail(`liftoff ${command} exited ${code} on SIGTERM:\n${output}`);
    },
  };
}

async function main() {
  console.log(`image check: ${out}`);
  const help = liftoffSync(['--help']);
  if (help.code !== 0 || !/start[\s\S]*worker[\s\S]*migrate/.test(help.output))
    fail(`liftoff --help: exit ${help.code}\n${help.output}`);
  console.log('  liftoff --help: ok');

  const migrate = liftoffSync(['migrate']);
  if (migrate.code !== 0 || !migrate.output.includes('migrations applied'))
    fail(`liftoff migrate: exit ${migrate.code}\n${migrate.output}`);
  console.log('  liftoff migrate (SQLite): ok');

  const server = liftoff(
    'start',
    { PORT: '0', HOST: '127.0.0.1', LIFTOFF_ADMIN_TOKEN: ADMIN, LIFTOFF_RUNNER_POLL_MS: '100' },
    /listening on port (\d+)/,
  );
  const [, port] = await server.started;
  const base = `http://127.0.0.1:${port}`;
  const api = async (method, path, body) => {
    const r = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, body: await r.json() };
  };

  const health = await fetch(`${base}/healthz`);
  const healthBody = await health.json();
  if (health.status !== 200 || healthBody.status !== 'ok')
    fail(`/healthz: ${health.status} ${JSON.stringify(healthBody)}`);
  const page = await fetch(`${base}/`);
  const html = await page.text();
  if (page.status !== 200 || !/<script[^>]+src="\/assets\//.test(html))
    fail(`/ does not serve the web UI build: ${page.status}`);
  console.log('  liftoff start: /healthz ok, web UI served');

  const created = await api('POST', '/api/v1/stacks', {
    id: 'image-check',
    commands: { init: 'echo init', plan: 'echo "No changes."; exit 0', apply: 'echo applied' },
  });
  if (created.status !== 201) fail(`creating a stack: ${created.status} ${JSON.stringify(created.body)}`);
  const run = await api('POST', '/api/v1/stacks/image-check/runs');
  if (run.status !== 201) fail(`triggering a run: ${run.status} ${JSON.stringify(run.body)}`);
  const deadline = Date.now() + 60_000;
  let state = run.body.state;
  while (!['FINISHED', 'FAILED', 'STOPPED', 'CANCELED', 'DISCARDED'].includes(state)) {
    if (Date.now() > deadline) fail(`run still ${state} after 60 s`);
    await new Promise((r) => setTimeout(r, 100));
    state = (await api('GET', `/api/v1/stacks/image-check/runs/${run.body.id}`)).body.state;
  }
  if (state !== 'FINISHED') fail(`the run ended ${state}`);
  console.log('  embedded runner: run FINISHED');
  await server.stop();
  console.log('  liftoff start: stopped on SIGTERM');

  const worker = liftoff('worker', {}, /runner started/);
  await worker.started;
  // cli.ts installs its SIGTERM handler only once start() has returned, just after this line is logged; a signal
  // in between ends the process without closing it. Give it that moment.
  await new Promise((r) => setTimeout(r, 500));
  await worker.stop();
  console.log('  liftoff worker: started, stopped on SIGTERM');
}

try {
  await main();
  console.log('image check: ok');
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGKILL');
  rmSync(data, { recursive: true, force: true });
}
