// scripts/test-reporter.mjs on a real `node --test` run of two small files: a line as each file starts and ends,
// the total, and the runner's own summary left last and intact (CI reads it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

const REPORTER = pathToFileURL(resolve(import.meta.dirname, '../test-reporter.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'liftoff-reporter-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('progress per file, the total, then the summary of the runner as its last lines', () => {
  writeFileSync(join(dir, 'a.test.mjs'), "import { test } from 'node:test';\ntest('passes', () => {});\n");
  writeFileSync(
    join(dir, 'b.test.mjs'),
    "import { test } from 'node:test';\ntest('fails', () => { throw new Error('boom'); });\n",
  );
  // NODE_TEST_CONTEXT marks this process as a test file; the child must be a runner of its own.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(
    process.execPath,
    ['--test', `--test-reporter=${REPORTER}`, 'a.test.mjs', 'b.test.mjs'],
    { cwd: dir, encoding: 'utf8', env: { ...env, LIFTOFF_TEST_FILE_COUNT: '2', NO_COLOR: '1' } },
  );
  assert.equal(run.status, 1, run.stdout + run.stderr);
  const lines = run.stdout.split('\n');
  const at = (pattern: RegExp) => {
    const i = lines.findIndex((l) => pattern.test(l));
    assert.ok(i >= 0, `no line matches ${pattern}:\n${run.stdout}`);
    return i;
  };
  const aStarts = at(/^▶ \[1\/2\] a\.test\.mjs …$/);
  const aEnds = at(/^■ \[1\/2\] a\.test\.mjs done in \d+\.\d s \(.* elapsed\)$/);
  const bEnds = at(/^■ \[2\/2\] b\.test\.mjs FAILED in /);
  const total = at(/^■ 2 test files in .*; slowest: /);
  at(/^■ failed files: b\.test\.mjs$/);
  const summary = at(/^ℹ tests 2$/);
  assert.ok(aStarts < aEnds && aEnds < bEnds && bEnds < total && total < summary);
  // The runner's summary is untouched: its counts, then the failing tests recap it always ends with.
  assert.ok(lines.includes('ℹ pass 1') && lines.includes('ℹ fail 1'));
  assert.match(lines[at(/^ℹ duration_ms /)]!, /^ℹ duration_ms [\d.]+$/);
  assert.ok(at(/^✖ failing tests:$/) > summary);
});
