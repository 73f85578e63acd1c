// Which rules an access check evaluates: all four for every check (an error in any of them denies the request,
// reads included, docs/policies.md), and none that the policy does not define.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccessService } from '../../src/domain/access.js';
import { AuditLog, type AuditEvent } from '../../src/domain/audit.js';
import { AccessDeniedError, NotFoundError } from '../../src/domain/errors.js';
import type { Policy, PolicyRepository } from '../../src/domain/policies.js';
import type { Stack } from '../../src/domain/stacks.js';
import { httpSubject } from '../../src/domain/subjects.js';
import { RegoPolicyEngine } from '../../src/policy-engine/rego.js';

function policy(id: string, body: string): Policy {
  return {
    id,
    name: id,
    type: 'ACCESS',
    body,
    rego_version: 'v1',
    labels: [],
    revision: 1,
    last_error: null,
    last_error_at: null,
    created_at: '',
    updated_at: '',
  };
}

function service(policies: Policy[]) {
  const errors: string[] = [];
  const repo = {
    attachedTo: async () => policies,
    recordError: async (id: string) => void errors.push(id),
  } as unknown as PolicyRepository;
  const events: Array<Omit<AuditEvent, 'id'>> = [];
  const audit = new AuditLog({ record: async (e) => void events.push(e), list: async () => [] });
  return { access: new AccessService(repo, new RegoPolicyEngine(), audit), errors };
}

const stack = { id: 's', labels: [], administrative: false } as unknown as Stack;
const dev = httpSubject(
  { admin: false, login: 'dev', name: 'dev', teams: ['Engineering'], machine: true },
  '::1',
);

test('deny_write that fails at run time denies the request, reads included', async () => {
  const { access, errors } = service([
    policy('grant', 'package spacelift\nwrite if { input.session.teams[_] == "Engineering" }'),
    // Two values for one complete rule: an eval_conflict_error, only when deny_write is evaluated.
    policy('broken', 'package spacelift\nv := 1 if { true }\nv := 2 if { true }\ndeny_write if { v == 1 }'),
  ]);
  await assert.rejects(access.require(dev, stack, 'read', 'stack.read'), NotFoundError);
  assert.deepEqual(errors, ['broken']);
  await assert.rejects(access.require(dev, stack, 'write', 'run.trigger'), NotFoundError);
  assert.equal((await access.decide(dev, stack)).level, 'none');
});

test('deny_write still caps writes; rules a policy does not define count as false', async () => {
  const { access } = service([
    policy('grant', 'package spacelift\nwrite if { input.session.teams[_] == "Engineering" }'),
    policy('cap', 'package spacelift\ndeny_write if { not input.stack.administrative == true }'),
  ]);
  await access.require(dev, stack, 'read', 'stack.read');
  await assert.rejects(access.require(dev, stack, 'write', 'run.trigger'), AccessDeniedError);
  const decision = await access.decide(dev, stack);
  assert.equal(decision.level, 'read');
  assert.deepEqual(decision.outcomes[1]!.rules, { read: false, write: false, deny: false, deny_write: true });
});
