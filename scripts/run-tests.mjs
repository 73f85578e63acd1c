// Runs every `*.test.ts` under packages/*/test and scripts/test (or under the paths given) with Node's test runner.
// TypeScript runs through tsx; `--conditions=source` makes workspace packages resolve to their sources.
// scripts/test-reporter.mjs prints a line as each file starts and ends, and the total before the runner's summary.
//
// `--quick` (npm run test:quick) is the edit-test loop: it leaves out the process suites (files under a `process/`
// folder or named `*kill9*`: real `liftoff` children, SIGKILLed and restarted) and sets LIFTOFF_TEST_SKIP so the
// test helpers skip the PostgreSQL backends and the browser suites with a printed reason (see README, "Tests").
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
// Other options (--test-name-pattern=…, --test-concurrency=…) go to the test runner.
const runnerOptions = argv.filter((a) => a.startsWith('--') && a !== '--quick');
const paths = argv.filter((a) => !a.startsWith('--'));
const roots =
  paths.length > 0
    ? paths
    : [
        ...readdirSync(join(root, 'packages')).map((p) => join('packages', p, 'test')),
        join('scripts', 'test'),
      ];

/** Suites that spawn and kill real service processes: minutes, not seconds. */
function isProcessSuite(file) {
  const path = relative(root, resolve(root, file)).split(sep).join('/');
  return /(^|\/)process\//.test(path) || /kill9[^/]*\.test\.tsx?$/.test(path);
}

function collect(path, out) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return out;
  }
  if (stat.isFile()) {
    if (path.endsWith('.test.ts') || path.endsWith('.test.tsx')) out.push(path);
    return out;
  }
  for (const entry of readdirSync(path).sort()) {
    if (entry === 'node_modules' || entry === 'fixtures') continue;
    collect(join(path, entry), out);
  }
  return out;
}

const found = roots.flatMap((r) => collect(r, []));
const files = quick ? found.filter((f) => !isProcessSuite(f)) : found;
if (files.length === 0) {
  console.error(`no test files found under: ${roots.join(', ')}`);
  process.exit(1);
}
const env = { ...process.env, LIFTOFF_TEST_FILE_COUNT: String(files.length) };
if (quick) {
  const left = found.length - files.length;
  console.log(
    `test:quick: ${files.length} files; left out ${left} process suite(s); PostgreSQL and browser suites skipped`,
  );
  env.LIFTOFF_TEST_SKIP = [process.env.LIFTOFF_TEST_SKIP, 'postgres', 'browser'].filter(Boolean).join(',');
}
const result = spawnSync(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    `--test-reporter=${pathToFileURL(join(root, 'scripts', 'test-reporter.mjs')).href}`,
    ...runnerOptions,
    ...files,
  ],
  { stdio: 'inherit', cwd: root, env },
);
process.exit(result.status ?? 1);
