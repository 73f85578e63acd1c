// Plan artifacts (docs/runs.md): how long saving and restoring a workspace with a 50 MB `.terraform` takes, and how
// big it is once stored. The workspace is realistic in mix: provider binaries (incompressible bytes), provider
// schemas and module sources (text), the lock file, code and a saved plan. Each figure is the median of RUNS
// repetitions on a fresh run row; "tar+gzip only" is the archive stream drained to nowhere, so the database's
// share is the difference.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLiftoff } from '../../packages/server/src/app.js';
import { loadConfig } from '../../packages/server/src/config.js';
import { formatBytes } from '../../packages/server/src/domain/run-artifacts.js';
import { SYSTEM } from '../../packages/server/src/domain/subjects.js';
import { createLogger } from '../../packages/server/src/logger.js';
import { archiveWorkspace, restoreWorkspace } from '../../packages/server/src/runner/artifact.js';
import { createPgSchema } from '../../packages/server/test/helpers/postgres.js';
import { stackFields } from '../../packages/server/test/helpers/stack-fields.js';
import { percentile } from '../measure.js';
import type { BenchSection } from './index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MB = 1024 * 1024;

/** 50 MB of `.terraform`: 34 MB of provider binaries, 16 MB of text; plus code, lock file and a saved plan. */
function makeWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-bench-ws-'));
  const providers = join(dir, '.terraform/providers/registry.terraform.io/hashicorp');
  for (const [name, size] of [
    ['aws/5.80.0/linux_amd64/terraform-provider-aws_v5.80.0_x5', 24 * MB],
    ['random/3.6.3/linux_amd64/terraform-provider-random_v3.6.3_x5', 4 * MB],
    ['null/3.2.3/linux_amd64/terraform-provider-null_v3.2.3_x5', 6 * MB],
  ] as const) {
    mkdirSync(join(providers, name, '..'), { recursive: true });
    writeFileSync(join(providers, name), randomBytes(size), { mode: 0o755 });
  }
  // Text: module sources and JSON schemas, varied enough not to collapse under gzip.
  const modules = join(dir, '.terraform/modules');
  mkdirSync(modules, { recursive: true });
  for (let m = 0; m < 16; m++) {
    const lines: string[] = [];
    let size = 0;
    while (size < MB) {
      const id = randomBytes(6).toString('hex');
      const line = `resource "aws_s3_bucket" "b_${id}" { bucket = "bucket-${id}-${size}" tags = { team = "t${size % 97}" } }\n`;
      lines.push(line);
      size += line.length;
    }
    writeFileSync(join(modules, `module-${m}.tf`), lines.join(''));
  }
  writeFileSync(join(dir, '.terraform.lock.hcl'), '# lock\n'.repeat(200));
  writeFileSync(join(dir, 'main.tf'), 'resource "terraform_data" "x" {}\n'.repeat(50));
  writeFileSync(join(dir, 'liftoff.tfplan'), randomBytes(256 * 1024));
  return dir;
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += chunk.byteLength;
  return n;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const manifest = {
  version: 1 as const,
  project_root: '.',
  apply: null,
  tool: 'terraform' as const,
  commit: null,
};

async function measure(backend: string, databaseUrl: string, ws: string, rows: string[][]) {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-bench-db-'));
  const config = loadConfig({
    DATABASE_URL: databaseUrl.startsWith('postgres') ? databaseUrl : `sqlite:${join(dir, 'liftoff.db')}`,
    LIFTOFF_ENCRYPTION_KEY: 'c'.repeat(64),
    LOG_LEVEL: 'silent',
  });
  const liftoff = await createLiftoff(config, { logger: createLogger('silent'), http: false, runner: false });
  try {
    await liftoff.services.stacks.create(SYSTEM, {
      id: 'bench',
      ...stackFields({ tool: 'terraform', commands: null }),
    });
    const saves: number[] = [];
    const restores: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const run = await liftoff.services.runs.trigger(SYSTEM, 'bench');
      const [saveMs, saved] = await timed(async () =>
        liftoff.artifacts.save(run.id, await archiveWorkspace(ws, manifest)),
      );
      bytes = saved.bytes;
      const target = mkdtempSync(join(tmpdir(), 'liftoff-bench-restore-'));
      const [restoreMs] = await timed(async () =>
        restoreWorkspace((await liftoff.artifacts.open(run.id))!, target),
      );
      rmSync(target, { recursive: true, force: true });
      saves.push(saveMs);
      restores.push(restoreMs);
      await liftoff.services.runs.cancel(SYSTEM, 'bench', run.id);
    }
    rows.push([
      backend,
      `${median(saves).toFixed(0)} ms`,
      `${median(restores).toFixed(0)} ms`,
      `${formatBytes(bytes)} (${(bytes / MB).toFixed(1)} MB)`,
    ]);
  } finally {
    await liftoff.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const section: BenchSection = {
  name: 'artifacts',
  async run() {
    const ws = makeWorkspace();
    try {
      const tarOnly: number[] = [];
      let size = 0;
      for (let i = 0; i < RUNS; i++) {
        const [ms, n] = await timed(async () => drain(await archiveWorkspace(ws, manifest)));
        tarOnly.push(ms);
        size = n;
      }
      console.log(
        `workspace: 50 MB .terraform (34 MB provider binaries, 16 MB text) + code, lock file, 256 KiB saved plan; ${RUNS} runs each`,
      );
      const rows: string[][] = [
        ['tar+gzip only (no database)', `${median(tarOnly).toFixed(0)} ms`, '—', formatBytes(size)],
      ];
      await measure('SQLite', 'sqlite', ws, rows);
      const pg = await createPgSchema();
      if ('skip' in pg) rows.push(['PostgreSQL', 'skipped', pg.skip, '']);
      else
        try {
          await measure('PostgreSQL', pg.url, ws, rows);
        } finally {
          await pg.drop();
        }
      console.log('| store | save median | restore median | stored size |');
      console.log('| --- | --- | --- | --- |');
      for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  },
};
