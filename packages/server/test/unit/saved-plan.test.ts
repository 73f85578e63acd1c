// Reading saved plans (docs/runs.md): the delta from `show -json` must equal Terraform's own summary line, checked
// against real Terraform where installed (create, in-place update, replace, destroy), and
// on a recorded document everywhere; plus the error lines of a failed phase and the terraform_version grammar.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseVersionConstraint } from '../../src/domain/tool-versions.js';
import { errorSummary, parseDelta, parsePlanJson, resourceAction } from '../../src/runner/plan-output.js';
import { redactUrl } from '../../src/runner/workspace.js';
import { TOOLS } from '../helpers/terraform.js';

const real = TOOLS.find((t) => t.name === 'Terraform')!;

test('show -json of a real plan counts as Terraform counts: replace is one add and one destroy', (t) => {
  if (real.skip) return t.skip(real.skip);
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-saved-plan-'));
  const tf = (args: string[]) =>
    execFileSync('terraform', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, TF_IN_AUTOMATION: '1' },
    });
  try {
    writeFileSync(
      join(dir, 'main.tf'),
      `resource "terraform_data" "kept" { input = "a" }
resource "terraform_data" "updated" { input = "a" }
resource "terraform_data" "replaced" { triggers_replace = "a" }
resource "terraform_data" "destroyed" { input = "a" }`,
    );
    tf(['init', '-input=false']);
    tf(['apply', '-input=false', '-auto-approve']);
    writeFileSync(
      join(dir, 'main.tf'),
      `resource "terraform_data" "kept" { input = "a" }
resource "terraform_data" "updated" { input = "b" }
resource "terraform_data" "replaced" { triggers_replace = "b" }
resource "terraform_data" "created" { input = "a" }`,
    );
    let text = '';
    try {
      tf(['plan', '-input=false', '-no-color', '-detailed-exitcode', '-out=p.tfplan']);
    } catch (err) {
      text = String((err as { stdout?: string }).stdout);
    }
    const { delta, resourceChanges } = parsePlanJson(tf(['show', '-json', 'p.tfplan']));
    assert.deepEqual(delta, parseDelta(text), text);
    assert.deepEqual(delta, { add: 2, change: 1, destroy: 2 });
    assert.deepEqual(
      resourceChanges.map((c) => [c.address, c.action]).sort(),
      [
        ['terraform_data.created', 'create'],
        ['terraform_data.destroyed', 'delete'],
        ['terraform_data.replaced', 'replace'],
        ['terraform_data.updated', 'update'],
      ],
      'no-ops are not listed',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('show -json documents: actions as one word, no-ops and unknown shapes skipped', () => {
  const doc = {
    format_version: '1.2',
    resource_changes: [
      { address: 'a.create', change: { actions: ['create'] } },
      { address: 'a.cbd', change: { actions: ['create', 'delete'] } },
      { address: 'a.dbc', change: { actions: ['delete', 'create'] } },
      { address: 'data.a.read', change: { actions: ['read'] } },
      { address: 'a.noop', change: { actions: ['no-op'] } },
      { address: 'a.forget', change: { actions: ['forget'] } },
      { address: 42, change: { actions: ['create'] } },
      { address: 'a.none' },
      null,
    ],
  };
  const { delta, resourceChanges } = parsePlanJson(JSON.stringify(doc));
  assert.deepEqual(delta, { add: 3, change: 0, destroy: 2 });
  assert.deepEqual(
    resourceChanges.map((c) => c.action),
    ['create', 'replace', 'replace', 'read', 'forget'],
  );
  assert.deepEqual(parsePlanJson('{}'), { delta: { add: 0, change: 0, destroy: 0 }, resourceChanges: [] });
  assert.throws(() => parsePlanJson('not json'));
  assert.equal(resourceAction(['update']), 'update');
  assert.equal(resourceAction(['create', 'update']), 'other');
});

test("a failed phase's note carries Terraform's error lines, boxes and colours removed", () => {
  const output =
    '\u001b[31m╷\u001b[0m\n\u001b[31m│\u001b[0m \u001b[1;31mError: \u001b[0m\u001b[1mSaved plan is stale\u001b[0m\n│\n│ The given plan file can no longer be applied.\n╵\n';
  assert.equal(errorSummary(output), 'Saved plan is stale');
  assert.equal(errorSummary('Error: one\nError: two\nError: one\n'), 'one; two');
  assert.equal(errorSummary('all fine'), null);
});

test('terraform_version: exact, partial (a release line) and Terraform constraints', () => {
  const matches = (c: string, v: string) => parseVersionConstraint(c)!(v);
  assert.ok(matches('1.11.4', '1.11.4'));
  assert.ok(!matches('1.11.4', '1.11.5'));
  assert.ok(matches('1.11', '1.11.9'));
  assert.ok(!matches('1.11', '1.12.0'));
  assert.ok(matches('v1.11.4', '1.11.4'));
  assert.ok(matches('~> 1.11', '1.99.0'));
  assert.ok(!matches('~> 1.11', '2.0.0'));
  assert.ok(matches('~> 1.11.2', '1.11.7'));
  assert.ok(!matches('~> 1.11.2', '1.12.0'));
  assert.ok(!matches('~> 1.11.2', '1.11.1'));
  assert.ok(matches('>= 1.5, < 2.0', '1.11.4'));
  assert.ok(!matches('>= 1.5, < 2.0', '2.0.0'));
  assert.ok(!matches('!= 1.11.4', '1.11.4'));
  assert.ok(matches('1.11.4', '1.11.4-dev'), 'pre-release suffixes compare by their release');
  for (const bad of ['banana', '>= ', '1.x', '~> 1.2.3.4', '', '1.2,,'])
    assert.equal(parseVersionConstraint(bad), null, bad);
});

test('URLs lose their credentials in logs and notes', () => {
  assert.equal(
    redactUrl("fatal: unable to access 'https://user:tok3n@git.example.com/x.git/': refused"),
    "fatal: unable to access 'https://***@git.example.com/x.git/': refused",
  );
  assert.equal(redactUrl('https://tok3n@h/x'), 'https://***@h/x');
  assert.equal(redactUrl('git@github.com:org/repo.git'), 'git@github.com:org/repo.git');
  assert.equal(redactUrl('file:///tmp/repo'), 'file:///tmp/repo');
});
