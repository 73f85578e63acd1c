// The service as the benchmarks measure it: the real CLI (`liftoff start`) in a child process, so its CPU and
// event loop are its own and not the load generator's.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../packages/server/src/cli.ts', import.meta.url));

/**
 * Starts `liftoff start` with exactly `env` (plus PATH, PORT=0 and LOG_LEVEL=info, whose "listening on port"
 * line announces the port) and resolves once it listens. A child that exits or stays silent for 60 s is an error.
 */
export async function startLiftoff(
  env: Record<string, string>,
): Promise<{ server: ChildProcess; port: number }> {
  const server = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, 'start'], {
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on port (\d+)/.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(Number(m[1]));
        }
      }, 20);
      server.on('exit', () => reject(new Error(`server exited: ${out}`)));
      setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000).unref();
    });
    return { server, port };
  } catch (err) {
    server.kill('SIGTERM');
    throw err;
  }
}
