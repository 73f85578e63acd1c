// The access policies Liftoff users write (shared/research/system-facts.md), in v0 and v1 syntax.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../src/index.js';
import { getBuiltin } from '../src/builtins/index.js';

const slack = (channel: string) => ({
  slack: {
    command: 'trigger',
    user: { id: 'U1', display_name: 'egon', is_admin: false },
    team: { id: 'T1', name: 'ghostbusters' },
    channel: { id: 'C1', name: channel },
  },
  stack: { id: 'infra', administrative: false, labels: [] },
});

test('seed example policy (v0 and v1)', () => {
  const v0 = compile('package spacelift\n\nwrite {\n  input.slack.channel.name = "dev-notifications"\n}\n', {
    regoVersion: 'v0',
  });
  const v1 = compile('package spacelift\n\nwrite if input.slack.channel.name == "dev-notifications"\n');
  for (const p of [v0, v1]) {
    assert.deepEqual(p.packages, ['spacelift']);
    assert.equal(p.evaluate('data.spacelift.write', { input: slack('dev-notifications') }), true);
    assert.equal(p.evaluate('data.spacelift.write', { input: slack('random') }), undefined);
    assert.deepEqual(p.query('data.spacelift.write', { input: slack('dev-notifications') }), [{}]);
    assert.deepEqual(p.query('x := data.spacelift.write', { input: slack('random') }), []);
  }
});

test('team read policy (v0 and v1)', () => {
  const v0 = compile('package spacelift\nread { input.session.teams[_] == "Engineering" }', {
    regoVersion: 'v0',
  });
  const v1 = compile(
    'package spacelift\nread if { some team in input.session.teams; team == "Engineering" }',
  );
  const v1b = compile('package spacelift\nimport rego.v1\nread if input.session.teams[_] == "Engineering"');
  for (const p of [v0, v1, v1b]) {
    assert.equal(
      p.evaluate('data.spacelift.read', { input: { session: { teams: ['Ops', 'Engineering'] } } }),
      true,
    );
    assert.equal(p.evaluate('data.spacelift.read', { input: { session: { teams: ['Ops'] } } }), undefined);
    assert.equal(p.evaluate('data.spacelift.read', { input: { session: {} } }), undefined);
  }
});

test('administrative stack deny_write (v0 and v1)', () => {
  const v0 = compile('package spacelift\ndeny_write { input.stack.administrative }', { regoVersion: 'v0' });
  const v1 = compile('package spacelift\ndeny_write if input.stack.administrative');
  for (const p of [v0, v1]) {
    assert.equal(
      p.evaluate('data.spacelift.deny_write', { input: { stack: { administrative: true } } }),
      true,
    );
    assert.equal(
      p.evaluate('data.spacelift.deny_write', { input: { stack: { administrative: false } } }),
      undefined,
    );
  }
});

const timeWindowV0 = `package spacelift
now     := input.request.timestamp_ns
clock   := time.clock([now, "America/Los_Angeles"])
weekend := { "Saturday", "Sunday" }
weekday := time.weekday(now)
ip      := input.request.remote_ip
write      { input.session.teams[_] == "Product team" }
deny_write { weekend[weekday] }
deny_write { clock[0] < 9 }
deny_write { clock[0] > 17 }
deny_write { not net.cidr_contains("12.34.56.0/24", ip) }
`;

const timeWindowV1 = `package spacelift
now     := input.request.timestamp_ns
clock   := time.clock([now, "America/Los_Angeles"])
weekend := { "Saturday", "Sunday" }
weekday := time.weekday(now)
ip      := input.request.remote_ip
write if { input.session.teams[_] == "Product team" }
deny_write if { weekend[weekday] }
deny_write if { clock[0] < 9 }
deny_write if { clock[0] > 17 }
deny_write if { not net.cidr_contains("12.34.56.0/24", ip) }
`;

const needed = ['time.clock', 'time.weekday', 'net.cidr_contains'];
const missing = needed.filter((n) => !getBuiltin(n));

test(
  'time-window policy (v0 and v1)',
  { skip: missing.length > 0 ? `builtins not wired yet: ${missing.join(', ')}` : false },
  () => {
    const sec = (s: number) => s * 1e9;
    const req = (ts: number, ip = '12.34.56.78') => ({
      request: { remote_ip: ip, timestamp_ns: ts },
      session: { teams: ['Product team'] },
    });
    // 2023-11-14 (Tuesday) 14:13:20 in Los Angeles.
    const tuesdayAfternoon = sec(1_700_000_000);
    // 2023-11-18 (Saturday) 12:00 in Los Angeles.
    const saturdayNoon = sec(1_700_337_600);
    // 2023-11-14 07:00 and 18:30 in Los Angeles.
    const early = sec(1_699_974_000);
    const late = sec(1_700_015_400);
    for (const src of [{ p: compile(timeWindowV0, { regoVersion: 'v0' }) }, { p: compile(timeWindowV1) }]) {
      const { p } = src;
      assert.equal(p.evaluate('data.spacelift.write', { input: req(tuesdayAfternoon) }), true);
      assert.equal(p.evaluate('data.spacelift.deny_write', { input: req(tuesdayAfternoon) }), undefined);
      assert.equal(p.evaluate('data.spacelift.weekday', { input: req(tuesdayAfternoon) }), 'Tuesday');
      assert.deepEqual(p.evaluate('data.spacelift.clock', { input: req(tuesdayAfternoon) }), [14, 13, 20]);
      assert.equal(p.evaluate('data.spacelift.deny_write', { input: req(saturdayNoon) }), true);
      assert.equal(p.evaluate('data.spacelift.deny_write', { input: req(early) }), true);
      assert.equal(p.evaluate('data.spacelift.deny_write', { input: req(late) }), true);
      assert.equal(
        p.evaluate('data.spacelift.deny_write', { input: req(tuesdayAfternoon, '10.0.0.1') }),
        true,
      );
    }
  },
);

test('v1 recommended membership form and multiple policies in one compile', () => {
  const p = compile([
    {
      name: 'a.rego',
      source: 'package spacelift\nread if { some team in input.session.teams; team == "Engineering" }',
    },
    { name: 'b.rego', source: 'package spacelift\ndeny if input.session.login == "mallory"' },
  ]);
  assert.deepEqual(
    p.query('x := data.spacelift', { input: { session: { teams: ['Engineering'], login: 'egon' } } }),
    [{ x: { read: true } }],
  );
});

test('disabled builtins are compile errors', () => {
  assert.throws(
    () => compile('package p\nx := time.now_ns()', { disabledBuiltins: ['time.now_ns'] }),
    (e: Error & { code?: string; errors?: Array<{ line: number }> }) =>
      e.code === 'rego_type_error' && e.errors?.[0]?.line === 2,
  );
});

test('channel and stack name patterns with hyphens (regex and glob)', () => {
  const p = compile(`package spacelift
write if regex.match("^dev-[a-z]+$", input.slack.channel.name)
read if glob.match("infra-*", ["-"], input.stack.id)
`);
  const input = { slack: { channel: { name: 'dev-notifications' } }, stack: { id: 'infra-prod' } };
  assert.equal(p.evaluate('data.spacelift.write', { input, strictBuiltinErrors: true }), true);
  assert.equal(p.evaluate('data.spacelift.read', { input, strictBuiltinErrors: true }), true);
});
