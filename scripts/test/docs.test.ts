// docs/policies.md against the code: every Rego example compiles as Liftoff saves policies (its version, disabled
// built-ins), the examples decide what the text says they decide, and the input documents shown have exactly the
// fields the service builds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { combine, stackInput } from '../../packages/server/src/domain/access.js';
import type { JsonObject } from '../../packages/server/src/domain/json.js';
import type { Stack } from '../../packages/server/src/domain/stacks.js';
import { httpSubject } from '../../packages/server/src/domain/subjects.js';
import { RegoPolicyEngine } from '../../packages/server/src/policy-engine/rego.js';
import { slackInput } from '../../packages/server/src/slack/inbound/slack-subject.js';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/policies.md'), 'utf8');

function blocks(language: string): string[] {
  return [...doc.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

const RULES = ['read', 'write', 'deny', 'deny_write'] as const;
const engine = new RegoPolicyEngine();
const examples = blocks('rego').map((body, i) => ({
  id: `example-${i}`,
  body,
  rego_version: body.startsWith('# rego_version: v0') ? ('v0' as const) : ('v1' as const),
}));

function rulesOf(fragment: string, input: JsonObject) {
  const matching = examples.filter((e) => e.body.includes(fragment));
  assert.equal(matching.length, 1, `one example contains ${fragment}`);
  return engine.evaluateRules({ ...matching[0]!, revision: 1 }, RULES, input, { remainingMs: () => 5_000 });
}

/** The access one example alone grants. */
function decide(fragment: string, input: JsonObject) {
  return combine([{ policyId: fragment, rules: rulesOf(fragment, input) }]);
}

/** Every key path of a JSON value ("slack.user.enterprise.teams"), arrays as leaves. */
function paths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => paths(v, prefix ? `${prefix}.${k}` : k));
}

describe('docs/policies.md', () => {
  test('every Rego example compiles, v0 ones as v0', () => {
    assert.ok(examples.length >= 6, 'the examples are found');
    assert.ok(examples.some((e) => e.rego_version === 'v0'));
    for (const e of examples)
      assert.doesNotThrow(() => engine.validate(e.id, e.body, e.rego_version), e.body);
  });

  test('the examples decide what the text says', () => {
    const slack = (channel: string, user: JsonObject = {}): JsonObject => ({
      slack: {
        command: 'trigger',
        channel: { id: 'C1', name: channel },
        user,
        team: { id: 'T1', name: 'T' },
      },
      stack: { labels: [] },
    });
    assert.equal(decide('"Platform" in', { session: { teams: ['Engineering'] } }), 'read');
    assert.equal(decide('"Platform" in', { session: { teams: ['Platform'] } }), 'write');
    const seed = 'write {\n  input.slack.channel.name = "dev-notifications"';
    assert.equal(decide(seed, slack('dev-notifications')), 'write');
    assert.equal(decide(seed, slack('random')), 'none');
    assert.equal(
      decide('write if input.slack.channel.name == "dev-notifications"', slack('dev-notifications')),
      'write',
    );
    assert.equal(decide('"notifications-")', slack('notifications-prod')), 'read');
    assert.equal(decide('"notifications-")', slack('devops')), 'write');
    assert.equal(decide('"notifications-")', slack('devops', { is_restricted: true })), 'none');
    assert.equal(
      decide('enterprise_id == "E0123ABCD"', slack('x', { enterprise: { enterprise_id: 'E0123ABCD' } })),
      'read',
    );

    const http = (machine: boolean, labels: string[], day: string): JsonObject => ({
      request: { timestamp_ns: Date.parse(`${day}T12:00:00Z`) * 1_000_000 },
      session: { machine, teams: [] },
      stack: { labels },
    });
    const [saturday, monday] = ['2026-12-05', '2026-12-07'];
    assert.equal(rulesOf('deny_write if {', http(true, ['prod'], monday)).deny_write, true);
    assert.equal(rulesOf('deny_write if {', http(false, [], saturday)).deny_write, true);
    assert.equal(rulesOf('deny_write if {', http(false, ['prod'], monday)).deny_write, false);
  });

  test('the input documents shown have exactly the fields the service builds', () => {
    const shown = blocks('json').map((text) => JSON.parse(text) as Record<string, unknown>);
    const httpShown = shown.find((d) => 'session' in d)!;
    const slackShown = shown.find((d) => 'slack' in d)!;
    const stackShown = shown.find((d) => Object.keys(d).join() === 'stack')!;

    const built = httpSubject(
      { admin: false, login: 'l', name: 'n', teams: ['t'], machine: true },
      '127.0.0.1',
    );
    assert.deepEqual(
      paths({ ...httpShown, stack: undefined })
        .filter((p) => p !== 'stack')
        .sort(),
      paths(built.input).sort(),
    );

    const grid = slackInput(
      { id: 'U1', enterprise_user: { id: 'W1', enterprise_id: 'E1', enterprise_name: 'E', teams: ['T1'] } },
      { command: 'trigger', team: { id: 'T1', name: 'T' }, channel: { id: 'C1', name: 'c' } },
    );
    assert.deepEqual(
      paths({ ...slackShown, stack: undefined })
        .filter((p) => p !== 'stack')
        .sort(),
      paths(grid).sort(),
    );

    const stack = { id: 's', labels: [], state: 'NONE' } as unknown as Stack;
    assert.deepEqual(paths(stackShown.stack).sort(), paths(stackInput(stack)).sort());
  });
});
