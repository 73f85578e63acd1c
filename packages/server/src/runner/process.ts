// Child processes for run phases. Each runs in its own process group (detached) so that stopping a run ends
// everything the phase started, not just the shell.
import { spawn } from 'node:child_process';

export interface PhaseProcess {
  pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM to the group, SIGKILL after `graceMs`. */
  kill(graceMs?: number): void;
}

export function startProcess(
  argv: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; onOutput: (text: string) => void },
): PhaseProcess {
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', options.onOutput);
  child.stderr.on('data', options.onOutput);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (err) => {
      options.onOutput(`\n[liftoff] could not start ${argv[0]}: ${err.message}\n`);
      resolve({ code: 127, signal: null });
    });
    // 'close' (not 'exit') so that all output has been read.
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const pid = child.pid ?? -1;
  let killTimer: NodeJS.Timeout | undefined;
  void done.then(() => clearTimeout(killTimer));
  return {
    pid,
    done,
    kill(graceMs = 3000) {
      if (pid <= 0) return;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      killTimer.unref();
    },
  };
}

/**
 * Runs a command without a shell and keeps its standard output apart (for machine-readable output such as
 * `terraform show -json`); more than `maxBytes` of it ends the process and is reported as `truncated`.
 */
export function captureProcess(
  argv: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; maxBytes: number },
): PhaseProcess & { result: Promise<{ stdout: string; stderr: string; truncated: boolean }> } {
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  let size = 0;
  let truncated = false;
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    size += d.length;
    if (size > options.maxBytes) {
      if (!truncated) killGroup(child.pid ?? -1, 'SIGKILL');
      truncated = true;
    } else stdout.push(d);
  });
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += d.toString('utf8');
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (err) => {
      stderr += `could not start ${argv[0]}: ${err.message}`;
      resolve({ code: 127, signal: null });
    });
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const pid = child.pid ?? -1;
  return {
    pid,
    done,
    kill: () => void killGroup(pid, 'SIGKILL'),
    result: done.then(() => ({ stdout: Buffer.concat(stdout).toString('utf8'), stderr, truncated })),
  };
}

/** Signals a process group; a group that is already gone is not an error. */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
