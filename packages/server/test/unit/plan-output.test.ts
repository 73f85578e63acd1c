import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDelta, planOutcome } from '../../src/runner/plan-output.js';

test('exit codes follow terraform plan -detailed-exitcode', () => {
  assert.equal(planOutcome(0), 'no_changes');
  assert.equal(planOutcome(2), 'changes');
  assert.equal(planOutcome(1), 'failed');
  assert.equal(planOutcome(null), 'failed');
});

test('the last plan summary fills the delta, colours stripped', () => {
  assert.deepEqual(parseDelta('Plan: 1 to add, 0 to change, 0 to destroy.'), {
    add: 1,
    change: 0,
    destroy: 0,
  });
  assert.deepEqual(
    parseDelta(
      'Plan: 1 to add, 2 to change, 3 to destroy.\n\u001b[1mPlan:\u001b[0m 4 to add, 5 to change, 6 to destroy.',
    ),
    { add: 4, change: 5, destroy: 6 },
  );
  assert.equal(parseDelta('No changes.'), null);
});
