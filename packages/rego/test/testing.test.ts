// The library behind `liftoff-rego test`: OPA's loader rules for files and data documents, and the
// test runner (discovery, outcomes, filters, budgets), on the fixtures in test/fixtures/cli.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegoCompileError, RegoParseError } from '../src/index.js';
import {
  compileUnit,
  loadPolicyFiles,
  PolicyLoadError,
  runTests,
  type TestResult,
} from '../src/testing/index.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'cli');
const at = (...parts: string[]) => join(fixtures, ...parts);

function byName(results: TestResult[]): Record<string, TestResult> {
  return Object.fromEntries(results.map((r) => [`${r.package}.${r.name}`, r]));
}

function withTempDir(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-rego-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('data files are merged at their directory path below the walked root', () => {
  const { modules, data } = loadPolicyFiles([at('data')]);
  assert.deepEqual(
    modules.map((m) => m.name),
    [at('data', 'authz.rego'), at('data', 'authz_test.rego')],
  );
  assert.deepEqual(data, {
    // limits.yaml at the root of the walk; YAML 1.1 reads `yes` as true, as OPA's loader does.
    limits: { max_stacks: 3, enabled: true },
    nested: { team: ['alice', 'carol'] },
    roles: { admins: ['alice'] },
  });
});

test('a data file named explicitly is merged at the root, or below an a.b: prefix', () => {
  assert.deepEqual(loadPolicyFiles([at('data', 'roles', 'data.json')]).data, { admins: ['alice'] });
  assert.deepEqual(loadPolicyFiles([`team.roles:${at('data', 'roles', 'data.json')}`]).data, {
    team: { roles: { admins: ['alice'] } },
  });
});

test('conflicting data values are an error naming the file and the path', () => {
  assert.throws(
    () => loadPolicyFiles([at('conflict')]),
    (e: unknown) => {
      assert.ok(e instanceof PolicyLoadError);
      assert.equal(e.problems.length, 1);
      assert.equal(e.problems[0]!.file, at('conflict', 'other.json'));
      assert.match(e.problems[0]!.message, /merge error: data\.limits\.max is already defined/);
      return true;
    },
  );
});

test('every bad file is reported at once: missing, bad JSON, bad YAML, alias bomb, non-object root', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (const c of 'bcdefghijkl')
    bomb.push(
      `${c}: &${c} [*${String.fromCharCode(c.charCodeAt(0) - 1)}, *${String.fromCharCode(c.charCodeAt(0) - 1)}, *${String.fromCharCode(c.charCodeAt(0) - 1)}]`,
    );
  withTempDir(
    {
      'bad.json': '{"a": 1,,}',
      'sub/bad.yaml': 'a: [1, 2\nb: }',
      'bomb/data.yaml': bomb.join('\n'),
      'root.json': '[1, 2]',
      'notes.txt': 'ignored while walking: not a data file',
    },
    (dir) => {
      assert.throws(
        () => loadPolicyFiles([dir, join(dir, 'missing.rego')]),
        (e: unknown) => {
          assert.ok(e instanceof PolicyLoadError);
          const byFile = Object.fromEntries(e.problems.map((p) => [p.file.slice(dir.length + 1), p.message]));
          assert.deepEqual(Object.keys(byFile).sort(), [
            'bad.json',
            'bomb/data.yaml',
            'missing.rego',
            'root.json',
            'sub/bad.yaml',
          ]);
          assert.match(byFile['bad.json']!, /^invalid JSON: /);
          assert.match(byFile['sub/bad.yaml']!, /^invalid YAML: /);
          assert.match(byFile['bomb/data.yaml']!, /^invalid YAML: .*alias/i);
          assert.match(byFile['root.json']!, /must hold an object/);
          assert.equal(byFile['missing.rego'], 'no such file or directory');
          assert.match(e.message, /^5 errors occurred during loading:\n/);
          return true;
        },
      );
    },
  );
});

test('ignore patterns skip what a walk finds, never a path named explicitly', () => {
  const walked = loadPolicyFiles([at('data')], { ignore: ['*_test.rego', 'nested'] });
  assert.deepEqual(
    walked.modules.map((m) => m.name),
    [at('data', 'authz.rego')],
  );
  assert.equal(walked.data.nested, undefined);
  const named = loadPolicyFiles([at('data', 'authz_test.rego')], { ignore: ['*_test.rego'] });
  assert.equal(named.modules.length, 1);
});

test('a file reached twice is loaded once; a symbolic-link loop ends', () => {
  const twice = loadPolicyFiles([at('data'), at('data', 'authz.rego'), at('data', 'authz.rego')]);
  assert.equal(twice.modules.length, 2);
  withTempDir({ 'p_test.rego': 'package p\n\ntest_x if true\n' }, (dir) => {
    mkdirSync(join(dir, 'sub'));
    symlinkSync(dir, join(dir, 'sub', 'back'));
    assert.deepEqual(
      loadPolicyFiles([dir]).modules.map((m) => m.name),
      [join(dir, 'p_test.rego')],
    );
  });
});

test('tests pass when true, fail when false or undefined, error when evaluation errors', () => {
  const { modules, data } = loadPolicyFiles([at('basic')]);
  const results = runTests(modules, { data });
  const r = byName(results);
  assert.deepEqual(
    results.map((x) => `${x.package}.${x.name}: ${x.status}`),
    [
      'data.cases_test.test_notes: fail',
      'data.example_test.test_alice_allowed: pass',
      'data.example_test.test_bob_denied: pass',
      'data.example_test.test_bob_allowed: fail',
      'data.example_test.test_conflict: error',
      'data.example_test.test_prints: pass',
      'data.example_test.todo_test_later: skip',
      'data.example_test.test_twice: fail',
      'data.example_test.test_twice#01: pass',
    ],
  );
  assert.equal(r['data.example_test.test_conflict']!.error?.code, 'eval_conflict_error');
  assert.deepEqual(r['data.example_test.test_prints']!.output, ['checked alice']);
  assert.deepEqual(r['data.cases_test.test_notes']!.subResults, [
    { name: 'a', fail: false, subResults: [] },
    { name: 'b', fail: true, subResults: [] },
  ]);
  assert.deepEqual(r['data.example_test.test_alice_allowed']!.location, {
    file: at('basic', 'policy_test.rego'),
    row: 5,
    col: 1,
  });
  assert.equal(r['data.example_test.todo_test_later']!.durationNs, 0);
});

test('--run selects tests by full name with a regular expression (Go flag groups honoured)', () => {
  const { modules } = loadPolicyFiles([at('basic')]);
  const names = (run: string) => runTests(modules, { run }).map((x) => x.name);
  assert.deepEqual(names('alice'), ['test_alice_allowed']);
  assert.deepEqual(names('(?i)ALICE'), ['test_alice_allowed']);
  assert.deepEqual(names('^data\\.example_test\\.test_bob'), ['test_bob_denied', 'test_bob_allowed']);
  assert.deepEqual(names('twice#01'), ['test_twice#01']);
  assert.throws(() => runTests(modules, { run: '(' }), /error parsing regexp/);
});

test('v0 modules need regoVersion v0; without it every module with a syntax error is reported', () => {
  const { modules } = loadPolicyFiles([at('v0')]);
  assert.deepEqual(
    runTests(modules, { regoVersion: 'v0' }).map((x) => x.status),
    ['pass', 'pass'],
  );
  assert.throws(
    () => runTests(modules),
    (e: unknown) => {
      assert.ok(e instanceof RegoCompileError);
      assert.deepEqual(
        e.errors.map((p) => `${p.file.slice(fixtures.length + 1)}:${p.line}:${p.column}: ${p.code}`),
        ['v0/legacy.rego:3:11: rego_parse_error', 'v0/legacy_test.rego:3:28: rego_parse_error'],
      );
      return true;
    },
  );
  assert.throws(() => runTests([modules[0]!]), RegoParseError);
});

test('a rule may not be defined where base data holds a value', () => {
  const modules = [{ name: 'roles.rego', source: 'package roles\n\nadmins := []\n\nother := 1\n' }];
  assert.throws(
    () => compileUnit(modules, { data: { roles: { admins: ['alice'] } } }),
    (e: unknown) => {
      assert.ok(e instanceof RegoCompileError);
      assert.deepEqual(
        e.errors.map((p) => `${p.file}:${p.line}: ${p.code}: ${p.message}`),
        ['roles.rego:3: rego_compile_error: conflicting rule for data path roles/admins found'],
      );
      return true;
    },
  );
  // A non-object value on the way to a rule's path conflicts too; an empty object beside it does not.
  assert.throws(
    () => compileUnit(modules, { data: { roles: 'x' } }),
    /conflicting rule for data path roles\/admins/,
  );
  assert.doesNotThrow(() => compileUnit(modules, { data: { roles: { members: [] } } }));
});

test('each test gets its own budget; exceeding it is an error, not a hang', () => {
  const modules = [
    {
      name: 'slow_test.rego',
      source:
        'package slow\n\ntest_big if count([x | some x in numbers.range(1, 100000000)]) > 0\n\ntest_quick if true\n',
    },
  ];
  const results = runTests(modules, { maxSteps: 10_000 });
  assert.deepEqual(
    results.map((x) => [x.name, x.status, x.error?.code]),
    [
      ['test_big', 'error', 'eval_cancel_error'],
      ['test_quick', 'pass', undefined],
    ],
  );
});
