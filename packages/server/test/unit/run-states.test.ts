import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IllegalTransitionError } from '../../src/domain/errors.js';
import {
  assertTransition,
  canTransition,
  isTerminal,
  RUN_STATES,
  TERMINAL_STATES,
} from '../../src/domain/run-states.js';

test('the happy paths of SPEC §3 are legal', () => {
  const paths = [
    ['QUEUED', 'PREPARING', 'INITIALIZING', 'PLANNING', 'FINISHED'],
    ['QUEUED', 'PREPARING', 'INITIALIZING', 'PLANNING', 'UNCONFIRMED', 'CONFIRMED', 'APPLYING', 'FINISHED'],
    ['QUEUED', 'PREPARING', 'INITIALIZING', 'PLANNING', 'APPLYING', 'FAILED'],
    ['QUEUED', 'PREPARING', 'INITIALIZING', 'PLANNING', 'UNCONFIRMED', 'DISCARDED'],
    ['QUEUED', 'CANCELED'],
  ] as const;
  for (const path of paths)
    for (let i = 1; i < path.length; i++)
      assert.ok(canTransition(path[i - 1]!, path[i]!), `${path[i - 1]} → ${path[i]}`);
});

test('stop only while preparing, initializing or planning; a confirmed run cannot be stopped', () => {
  for (const s of RUN_STATES)
    assert.equal(canTransition(s, 'STOPPED'), ['PREPARING', 'INITIALIZING', 'PLANNING'].includes(s), s);
});

test('every non-terminal state can fail; terminal states go nowhere', () => {
  for (const s of RUN_STATES) {
    if (isTerminal(s)) for (const t of RUN_STATES) assert.equal(canTransition(s, t), false, `${s} → ${t}`);
    else assert.ok(canTransition(s, 'FAILED'), s);
  }
  assert.deepEqual([...TERMINAL_STATES].sort(), ['CANCELED', 'DISCARDED', 'FAILED', 'FINISHED', 'STOPPED']);
});

test('illegal transitions throw a typed error', () => {
  assert.throws(() => assertTransition('r1', 'FINISHED', 'CONFIRMED'), IllegalTransitionError);
  assert.throws(() => assertTransition('r1', 'QUEUED', 'CONFIRMED'), /QUEUED; it cannot move to CONFIRMED/);
  assert.throws(() => assertTransition('r1', 'CONFIRMED', 'DISCARDED'), IllegalTransitionError);
});
