// Runs the real `liftoff` CLI in a child process (same entry point as bin/liftoff.js).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN } from './server.js';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the port from the "listening" log line. */
  port(timeoutMs?: number): Promise<number>;
  exited: Promise<number | null>;
}

export function spawnCli(command: string, env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, command], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async port(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const m = /"port":(\d+)[^\n]*listening on port/.exec(out);
        if (m) return Number(m[1]);
        if (child.exitCode !== null) throw new Error(`liftoff ${command} exited: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`liftoff ${command} did not start listening: ${out}`);
    },
  };
}

export async function stopCli(p: CliProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  await p.exited;
}

/** A REST call with the test admin key to a `liftoff` child listening on `port`. */
export async function callCli<T>(port: number, method: string, path: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}
