// `npm run demo` (scripts/demo.ts) as a user runs it: a taken port is a clear error naming the port and how to pick
// another, never a stack trace; the temporary data directory is gone after every exit (failure, Ctrl-C).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Each run gets its own TMPDIR, so "nothing left behind" can be checked by listing it. */
function demoTmpDirs(tmp: string) {
  return readdirSync(tmp).filter((name) => name.startsWith('liftoff-demo-'));
}

function runDemo(args: string[], tmp: string) {
  const { NODE_TEST_CONTEXT: _, PORT: _p, SLACK_SIM_PORT: _s, DEMO_DATA_DIR: _d, ...env } = process.env;
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'scripts/demo.ts', ...args],
    {
      cwd: ROOT,
      env: { ...env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function occupiedPort(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}
function portOf(server: Server) {
  return (server.address() as { port: number }).port;
}
async function freePort(): Promise<number> {
  const server = await occupiedPort();
  const port = portOf(server);
  await new Promise((done) => server.close(done));
  return port;
}

describe('npm run demo', { timeout: 120_000 }, () => {
  const tmps: string[] = [];
  const newTmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftoff-demo-test-'));
    tmps.push(dir);
    return dir;
  };
  after(() => tmps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  for (const which of ['Liftoff', 'the Slack simulator'] as const) {
    test(`a taken port for ${which}: one clear error naming it and the flag, nothing left behind`, async () => {
      const busy = await occupiedPort();
      try {
        const other = await freePort();
        const [flag, args] =
          which === 'Liftoff'
            ? ['--port', ['--port', String(portOf(busy)), '--sim-port', String(other)]]
            : ['--sim-port', ['--port', String(other), '--sim-port', String(portOf(busy))]];
        const tmp = newTmp();
        const demo = runDemo(args, tmp);
        assert.equal(await demo.exited, 1, demo.stdout() + demo.stderr());
        const message = demo.stderr();
        assert.match(message, new RegExp(`port ${portOf(busy)} for ${which} is already in use`));
        assert.match(message, new RegExp(`npm run demo -- ${flag} \\d+`));
        assert.doesNotMatch(message, /EADDRINUSE|\n\s+at /, 'no raw error or stack trace');
        assert.deepEqual(demoTmpDirs(tmp), []);
      } finally {
        await new Promise((done) => busy.close(done));
      }
    });
  }

  test('Ctrl-C stops it and removes its temporary directory', async () => {
    const tmp = newTmp();
    const [port, simPort] = [await freePort(), await freePort()];
    const demo = runDemo(['--port', String(port), '--sim-port', String(simPort)], tmp);
    while (!demo.stdout().includes('Ctrl-C stops everything')) {
      if (demo.child.exitCode !== null) assert.fail(`the demo exited: ${demo.stdout()}${demo.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(demoTmpDirs(tmp).length, 1, 'the demo keeps its database in a temporary directory');
    assert.match(demo.stdout(), new RegExp(`SLACK_SIM_URL=http://127.0.0.1:${simPort} npm run demo:slack`));
    demo.child.kill('SIGINT');
    assert.equal(await demo.exited, 0, demo.stderr());
    assert.deepEqual(demoTmpDirs(tmp), []);
  });
});
