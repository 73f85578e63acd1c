import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combine } from '../../src/domain/access.js';
import { autoattaches } from '../../src/domain/policies.js';

const p = (rules: Record<string, boolean>, error?: string) => ({
  policyId: 'p',
  rules,
  ...(error ? { error } : {}),
});

test('combination rule of SPEC §4', () => {
  assert.equal(combine([]), 'none');
  assert.equal(combine([p({})]), 'none');
  assert.equal(combine([p({ read: true })]), 'read');
  assert.equal(combine([p({ write: true })]), 'write');
  assert.equal(combine([p({ read: true }), p({ write: true })]), 'write');
  assert.equal(combine([p({ write: true }), p({ deny_write: true })]), 'read');
  assert.equal(combine([p({ deny_write: true })]), 'none');
  assert.equal(combine([p({ write: true, read: true }), p({ deny: true })]), 'none');
  assert.equal(combine([p({ write: true }), p({}, 'eval_conflict_error')]), 'none');
});

test('autoattach labels', () => {
  assert.ok(autoattaches(['autoattach:prod'], ['prod']));
  assert.ok(autoattaches(['x', 'autoattach:*'], []));
  assert.ok(!autoattaches(['autoattach:prod'], ['dev']));
  assert.ok(!autoattaches(['prod'], ['prod']));
});
