// Benchmarks of the Rego engine on prepared (compiled once) policies.
//   npm run bench:rego
// Prints the machine, then for each policy: compile time and the median µs per evaluation.
import os from 'node:os';
import { compile, type CompiledPolicy, type EvalOptions } from '@liftoff/rego';

const slackInput = {
  slack: {
    command: 'trigger',
    user: {
      id: 'U024BE7LH',
      deleted: false,
      display_name: 'spengler',
      has_2fa: true,
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_stranger: false,
      real_name: 'Egon Spengler',
      tz: 'America/Los_Angeles',
      enterprise: {
        id: 'U0ENT1',
        enterprise_id: 'E1234',
        enterprise_name: 'Ghostbusters',
        is_admin: false,
        is_owner: false,
        teams: ['T0001', 'T0002'],
      },
    },
    team: { id: 'T0001', name: 'ghostbusters' },
    channel: { id: 'C0123', name: 'dev-notifications' },
  },
  stack: {
    id: 'infra-prod',
    administrative: false,
    autodeploy: false,
    branch: 'main',
    labels: ['prod', 'autoattach:prod'],
    locked_by: null,
    name: 'Infra (prod)',
    namespace: 'acme',
    project_root: 'stacks/prod',
    repository: 'acme/infra',
    state: 'FINISHED',
    terraform_version: '1.7.5',
  },
};

const httpInput = {
  request: { remote_ip: '12.34.56.78', timestamp_ns: 1_700_000_000_000_000_000 },
  session: {
    admin: false,
    creator_ip: '12.34.56.78',
    login: 'egon',
    name: 'Egon Spengler',
    teams: ['Engineering', 'Product team'],
    machine: false,
  },
  stack: slackInput.stack,
};

const seedPolicy = `package spacelift

write if input.slack.channel.name == "dev-notifications"
`;

const timeWindowPolicy = `package spacelift

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

function indexedPolicy(n: number): string {
  const lines = ['package spacelift', ''];
  for (let i = 0; i < n; i++) {
    lines.push(`write if { input.slack.channel.name == "channel-${i}"; input.slack.team.id == "T0001" }`);
  }
  return lines.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function bench(name: string, source: string, ref: string, options: EvalOptions, expect: unknown): void {
  const compileRuns: number[] = [];
  let policy: CompiledPolicy | undefined;
  for (let i = 0; i < 5; i++) compile(source); // JIT warm-up
  for (let i = 0; i < 20; i++) {
    const t0 = process.hrtime.bigint();
    policy = compile(source);
    compileRuns.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const p = policy!;
  const got = p.evaluate(ref, options);
  if (JSON.stringify(got) !== JSON.stringify(expect)) {
    throw new Error(`${name}: expected ${JSON.stringify(expect)}, got ${JSON.stringify(got)}`);
  }
  // Warm up, then time batches so timer overhead does not dominate.
  for (let i = 0; i < 20_000; i++) p.evaluate(ref, options);
  const batch = 1000;
  const samples: number[] = [];
  for (let s = 0; s < 200; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) p.evaluate(ref, options);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000 / batch);
  }
  console.log(
    `${name.padEnd(44)} eval median ${median(samples).toFixed(2).padStart(8)} µs   compile median ${median(compileRuns).toFixed(0).padStart(6)} µs`,
  );
}

const cpu = os.cpus()[0];
console.log(
  `machine: ${cpu?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, node ${process.version}, ${os.platform()}`,
);
bench('(a) seed policy, full Slack input', seedPolicy, 'data.spacelift.write', { input: slackInput }, true);
bench(
  '(b) time-window policy, HTTP input',
  timeWindowPolicy,
  'data.spacelift.deny_write',
  { input: httpInput },
  undefined,
);
bench(
  '(c) 200-rule indexed policy, Slack input',
  indexedPolicy(200),
  'data.spacelift.write',
  { input: { ...slackInput, slack: { ...slackInput.slack, channel: { id: 'C1', name: 'channel-150' } } } },
  true,
);
