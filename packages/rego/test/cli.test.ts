// `liftoff-rego` run as a real process (bin/liftoff-rego.mjs) on the fixtures in test/fixtures/cli:
// OPA's output formats and exit codes for test, eval and check, and clear errors for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'liftoff-rego.mjs');
const fixtures = join(import.meta.dirname, 'fixtures', 'cli');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { input?: string; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? fixtures,
    input: options.input ?? '',
    encoding: 'utf8',
  });
  // Whatever happens, a user never sees a JavaScript stack trace.
  assert.doesNotMatch(r.stderr, /^\s+at .+\(.*:\d+:\d+\)$/m, r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Durations vary: `(172.75µs)` → `(D)`. */
const timeless = (text: string) => text.replace(/\((?:\d+(?:\.\d+)?(?:ns|µs|ms|s)|\d+m[\d.]+s)\)/g, '(D)');

test('test: failures, errors and skips grouped by file, then the summary; exit 2', () => {
  const r = cli(['test', 'basic']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, '');
  assert.equal(
    timeless(r.stdout),
    [
      'basic/cases_test.rego:',
      'data.cases_test.test_notes: FAIL (D)',
      '  b: FAIL',
      '',
      'basic/policy_test.rego:',
      'data.example_test.test_bob_allowed: FAIL (D)',
      'data.example_test.test_conflict: ERROR (D)',
      '  basic/policy.rego:10: eval_conflict_error: complete rules must not produce multiple outputs',
      'data.example_test.todo_test_later: SKIPPED',
      'data.example_test.test_twice: FAIL (D)',
      '-'.repeat(80),
      'PASS: 5/10',
      'FAIL: 3/10',
      'SKIPPED: 1/10',
      'ERROR: 1/10',
      '',
    ].join('\n'),
  );
});

test('test -v --run: FAILURES and SUMMARY sections, every selected test, print() output', () => {
  const r = cli(['test', '-v', 'basic', '--run', 'alice|prints|twice']);
  assert.equal(r.code, 2);
  assert.equal(
    timeless(r.stdout),
    [
      'FAILURES',
      '-'.repeat(80),
      'data.example_test.test_twice: FAIL (D)',
      '',
      '',
      'SUMMARY',
      '-'.repeat(80),
      'basic/policy_test.rego:',
      'data.example_test.test_alice_allowed: PASS (D)',
      'data.example_test.test_prints: PASS (D)',
      '',
      '  checked alice',
      '',
      'data.example_test.test_twice: FAIL (D)',
      'data.example_test.test_twice#01: PASS (D)',
      '-'.repeat(80),
      'PASS: 3/4',
      'FAIL: 1/4',
      '',
    ].join('\n'),
  );
  const passing = cli(['test', 'basic', '-r', '^data\\.example_test\\.test_(alice|bob_denied)']);
  assert.equal(passing.code, 0);
  assert.equal(passing.stdout, 'PASS: 2/2\n');
  assert.equal(cli(['test', 'basic', '-z', '--run', 'todo']).code, 0, '-z: skipped tests exit 0');
});

test('test: data.json, YAML and YML files are loaded at their directory path', () => {
  const r = cli(['test', 'data', '-v']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^data\/authz_test\.rego:\ndata\.authz\.test_admin: PASS/);
  assert.match(r.stdout, /\nPASS: 5\/5\n$/);
});

test('test --format json: OPA result objects in OPA field order', () => {
  const r = cli(['test', 'basic', '--format=json', '--run', 'alice|conflict|todo']);
  assert.equal(r.code, 2);
  const report = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(
    report.map((x) => Object.keys(x)),
    [
      ['location', 'package', 'name', 'duration'],
      ['error', 'location', 'package', 'name', 'duration'],
      ['location', 'package', 'name', 'duration', 'skip'],
    ],
  );
  assert.deepEqual(report[0]!.location, { file: 'basic/policy_test.rego', row: 5, col: 1 });
  assert.equal(
    JSON.stringify(report[1]!.error),
    JSON.stringify({
      code: 'eval_conflict_error',
      message: 'complete rules must not produce multiple outputs',
      location: { file: 'basic/policy.rego', row: 10, col: 1 },
    }),
  );
  assert.equal(typeof report[0]!.duration, 'number');
});

test('test: v0 syntax needs --v0-compatible; load and compile errors exit 1 on stderr', () => {
  const v1 = cli(['test', 'v0']);
  assert.equal(v1.code, 1);
  assert.equal(v1.stdout, '');
  assert.match(v1.stderr, /^2 errors occurred:\nv0\/legacy\.rego:3:11: rego_parse_error: /);
  assert.match(
    v1.stderr,
    /\nv0\/legacy_test\.rego:3:28: rego_parse_error: `if` keyword is required before rule body\n/,
  );
  assert.equal(cli(['test', '--v0-compatible', 'v0']).stdout, 'PASS: 2/2\n');

  const conflict = cli(['test', 'conflict']);
  assert.equal(conflict.code, 1);
  assert.equal(
    conflict.stderr,
    '1 error occurred during loading: conflict/other.json: merge error: data.limits.max is already defined by another data file\n',
  );
  const missing = cli(['test', 'basic', 'nope']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, '1 error occurred during loading: nope: no such file or directory\n');
});

test('test: malformed JSON and YAML data are named, never a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-rego-cli-'));
  try {
    writeFileSync(join(dir, 'data.json'), '{"teams": [1, 2');
    writeFileSync(join(dir, 'more.yaml'), 'key: [unclosed');
    writeFileSync(join(dir, 'p_test.rego'), 'package p\n\ntest_x if true\n');
    const r = cli(['test', '.'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^2 errors occurred during loading:\ndata\.json: invalid JSON: .+\nmore\.yaml: invalid YAML: .+\n$/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('command-line mistakes: cobra-style Error lines and exit 1', () => {
  const cases: Array<[string[], RegExp]> = [
    [['test', '--bogus', 'basic'], /^Error: unknown flag: --bogus\n/],
    [['test', '-q', 'basic'], /^Error: unknown shorthand flag: 'q' in -q\n/],
    [['test'], /^Error: specify at least one file\n/],
    [['test', 'basic', '--timeout', '5'], /^Error: invalid argument "5" for "--timeout" flag: /],
    [['test', 'basic', '--format', 'xml'], /^Error: invalid argument "xml" for "-f, --format" flag: /],
    [['eval'], /^Error: specify query argument or --stdin\n/],
    [['eval', 'x', 'y'], /^Error: specify at most one query argument\n/],
    [['eval', '--data'], /^Error: flag needs an argument: --data\n/],
    [['frobnicate'], /^Error: unknown command "frobnicate" for "liftoff-rego"\n/],
  ];
  for (const [args, stderr] of cases) {
    const r = cli(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, stderr, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
  const help = cli(['test', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage:\n {2}liftoff-rego test \[flags\] <path>/);
});

test('eval: OPA result set with expression values, text, location and bindings', () => {
  const r = cli(['eval', '-d', 'data', '-i', 'inputs/alice.json', 'data.authz.admin']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    `${JSON.stringify(
      {
        result: [{ expressions: [{ value: true, text: 'data.authz.admin', location: { row: 1, col: 1 } }] }],
      },
      null,
      2,
    )}\n`,
  );
  const many = JSON.parse(
    cli(['eval', '--data', 'data', 'name := data.roles.admins[_]; count(name) > 3']).stdout,
  );
  assert.deepEqual(many, {
    result: [
      {
        expressions: [
          { value: true, text: 'name := data.roles.admins[_]', location: { row: 1, col: 1 } },
          { value: true, text: 'count(name) > 3', location: { row: 1, col: 31 } },
        ],
        bindings: { name: 'alice' },
      },
    ],
  });
  // Input from stdin; a value that is a set comes out as a sorted array.
  const stdin = cli(['eval', '-I', 'x := {input.b, input.a}'], { input: '{"a": "<z>", "b": "a"}' });
  assert.deepEqual(JSON.parse(stdin.stdout).result[0].bindings, { x: ['<z>', 'a'] });
  assert.match(stdin.stdout, /"\\u003cz\\u003e"/, 'HTML characters escaped as Go does');
});

test('eval: undefined is {} (exit 0, or 1 with --fail); --fail-defined; errors exit 2', () => {
  const undefinedResult = cli(['eval', '-d', 'data', 'data.authz.admin']);
  assert.equal(undefinedResult.code, 0);
  assert.equal(undefinedResult.stdout, '{}\n');
  assert.equal(cli(['eval', '--fail', '-d', 'data', 'data.authz.admin']).code, 1);
  assert.equal(cli(['eval', '--fail-defined', '-d', 'data', 'data.roles']).code, 1);
  assert.equal(cli(['eval', '--fail-defined', '-d', 'data', 'data.nope']).code, 0);

  const unsafe = cli(['eval', '-d', 'broken/unsafe.rego', 'data']);
  assert.equal(unsafe.code, 2);
  assert.deepEqual(JSON.parse(unsafe.stdout), {
    errors: [
      {
        location: { file: 'broken/unsafe.rego', row: 4, col: 2 },
        message: 'var name is unsafe',
        code: 'rego_unsafe_var_error',
      },
    ],
  });
  const query = cli(['eval', '-f', 'pretty', 'y := 1;  x']);
  assert.equal(query.code, 2);
  assert.equal(
    query.stderr,
    '1 error occurred: 1:10: rego_unsafe_var_error: var x is unsafe\n\ty := 1;  x\n\t         ^\n',
  );
  const badInput = cli(['eval', '-i', 'basic/policy.rego', 'input']);
  assert.equal(badInput.code, 2);
  assert.match(badInput.stderr, /^unable to parse input: /);
  const missingInput = cli(['eval', '-i', 'nope.json', 'input']);
  assert.equal(missingInput.stderr, 'open nope.json: no such file or directory\n');
});

test('eval --format pretty: one value as JSON, several as a table, undefined', () => {
  assert.equal(
    cli(['eval', '-f', 'pretty', '-d', 'data', 'data.roles']).stdout,
    '{\n  "admins": [\n    "alice"\n  ]\n}\n',
  );
  assert.equal(
    cli(['eval', '-f', 'pretty', 'x := [1, 2][_]; y := x * 10']).stdout,
    ['+---+----+', '| x | y  |', '+---+----+', '| 1 | 10 |', '| 2 | 20 |', '+---+----+', ''].join('\n'),
  );
  assert.equal(cli(['eval', '-f', 'pretty', 'false; true']).stdout, 'undefined\n');
  assert.equal(cli(['eval', '-f', 'values', '1 + 1; "a"']).stdout, '[\n  2,\n  "a"\n]\n');
  assert.equal(cli(['eval', '-f', 'raw', 'x := ["a", "b"][_]']).stdout, 'true\ntrue\n');
});

test('check: nothing when the files compile, every error with file:line:col otherwise (exit 1)', () => {
  const ok = cli(['check', 'basic', 'data']);
  assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, '', '']);
  const unsafe = cli(['check', 'broken/unsafe.rego']);
  assert.equal(unsafe.code, 1);
  assert.equal(
    unsafe.stderr,
    '1 error occurred: broken/unsafe.rego:4:2: rego_unsafe_var_error: var name is unsafe\n\t\tinput.user == name\n\t\t^\n',
  );
  const both = cli(['check', '--format', 'json', 'broken']);
  assert.equal(both.code, 1);
  assert.deepEqual(JSON.parse(both.stderr), {
    errors: [
      {
        location: { file: 'broken/syntax.rego', row: 5, col: 1 },
        message: 'unexpected } token',
        code: 'rego_parse_error',
      },
    ],
  });
  assert.equal(cli(['check', '--v0-compatible', '--strict', 'v0']).code, 0);
});
