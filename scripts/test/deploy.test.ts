// The deployment files (Dockerfile, .dockerignore, compose.yaml, deploy/kubernetes) checked against each other and
// against the service, since no Docker engine or cluster runs here: one image for every role, the commands the CLI
// has, only environment variables the server reads, every Secret and ConfigMap key that is referenced defined,
// probes on /healthz at the container's port, Services and PodDisruptionBudgets selecting real pods.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/**
 * Environment variables the server may read: configuration-shaped names (PORT, HOST, PUBLIC_URL, DATABASE_URL,
 * LOG_LEVEL, LIFTOFF_*, SLACK_*) that its sources mention. Broad on purpose, so it survives modules moving; what it
 * catches is a misspelt or invented variable in a manifest, which the server would silently ignore.
 */
function serverEnvNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts'))
        for (const m of readFileSync(path, 'utf8').matchAll(
          /\b(PORT|HOST|PUBLIC_URL|DATABASE_URL|LOG_LEVEL|(?:LIFTOFF|SLACK)_[A-Z0-9_]+)\b/g,
        ))
          names.add(m[1]!);
    }
  };
  walk(join(ROOT, 'packages/server/src'));
  return names;
}
const SERVER_ENV = serverEnvNames();
const CLI_COMMANDS = ['start', 'worker', 'migrate'];

function assertReadByServer(names: Iterable<string>, where: string) {
  for (const name of names) assert.ok(SERVER_ENV.has(name), `${where}: ${name} is not read by the server`);
}

describe('Dockerfile', () => {
  // Instructions with their continuation lines joined; comments dropped.
  const instructions = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: string[][] = [];
  for (const line of instructions) {
    if (/^FROM /i.test(line)) stages.push([]);
    stages.at(-1)?.push(line);
  }
  const runtime = stages.at(-1)!;
  const find = (stage: string[], keyword: string) => stage.filter((l) => l.startsWith(`${keyword} `));

  test('multi-stage: the build stage runs the image build steps CI runs', () => {
    assert.ok(stages.length >= 2);
    assert.ok(find(stages[0]!, 'RUN').some((l) => l.includes('scripts/image-build-steps.sh /app')));
    assert.ok(existsSync(join(ROOT, 'scripts/image-build-steps.sh')));
    assert.ok(find(runtime, 'COPY').some((l) => /--from=build \/app \/app/.test(l)));
  });

  test('runtime: non-root, tini, bubblewrap and git, /healthz check, liftoff start by default', () => {
    const run = find(runtime, 'RUN').join(' ');
    for (const pkg of ['tini', 'bubblewrap', 'git'])
      assert.match(run, new RegExp(`apt-get install[^&]*\\b${pkg}\\b`));
    const user = find(runtime, 'USER')[0]?.slice(5).trim();
    assert.ok(user && !/^(root|0)(:|$)/.test(user), `USER ${user}`);
    assert.match(find(runtime, 'HEALTHCHECK')[0] ?? '', /\/healthz/);
    assert.deepEqual(JSON.parse(find(runtime, 'ENTRYPOINT')[0]!.slice(11)), [
      '/usr/bin/tini',
      '--',
      'liftoff',
    ]);
    assert.deepEqual(JSON.parse(find(runtime, 'CMD')[0]!.slice(4)), ['start']);
    const env = find(runtime, 'ENV').join(' ');
    assert.match(env, /HOST=0\.0\.0\.0/, 'listens beyond loopback inside the container');
    const port = /PORT=(\d+)/.exec(env)?.[1];
    assert.ok(port && find(runtime, 'EXPOSE').some((l) => l === `EXPOSE ${port}`));
    assertReadByServer(
      [...env.matchAll(/([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]!).filter((n) => n !== 'PATH'),
      'Dockerfile ENV',
    );
  });

  test('.dockerignore keeps the host node_modules and .git out, and what the build steps copy in', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.ok(patterns.includes('**/node_modules') && patterns.includes('.git'));
    const steps = read('scripts/image-build-steps.sh');
    const needed = [
      'package-lock.json',
      'tsconfig.base.json',
      'scripts/image-check.mjs',
      'packages/rego/src',
    ];
    needed.push('packages/server/src', 'packages/server/bin', 'packages/web/src', 'packages/web/index.html');
    for (const path of needed) {
      assert.ok(existsSync(join(ROOT, path)), path);
      const excluded = patterns.some((p) => path === p || path.startsWith(`${p}/`));
      assert.ok(!excluded, `${path} is excluded from the build context`);
    }
    for (const copied of [
      'packages/rego/src',
      'packages/server/bin packages/server/src',
      'packages/web/dist',
    ])
      assert.ok(steps.includes(copied), `the build steps copy ${copied}`);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<string, Record<string, unknown>>;
  };
  const services = compose.services;
  const liftoff = Object.entries(services).filter(([, s]) => s.image === 'liftoff:local');
  const commandOf = (s: Record<string, unknown>) => (s.command as string[] | undefined)?.[0] ?? 'start';
  const envOf = (s: Record<string, unknown>) => (s.environment ?? {}) as Record<string, string>;

  test('PostgreSQL, a migration, two instances, a worker and a proxy, all Liftoff roles on one image', () => {
    assert.ok(services.postgres && services.proxy);
    const roles = liftoff.map(([name, s]) => `${name}:${commandOf(s)}`).sort();
    assert.deepEqual(roles, ['liftoff-1:start', 'liftoff-2:start', 'migrate:migrate', 'worker:worker']);
    for (const [name, s] of liftoff) {
      assert.equal(s.build, '.', `${name} builds the image from the repository`);
      assert.ok(CLI_COMMANDS.includes(commandOf(s)));
    }
  });

  test('environment: only what the server reads; PostgreSQL and the encryption key everywhere', () => {
    for (const [name, s] of liftoff) {
      const env = envOf(s);
      assertReadByServer(Object.keys(env), `compose ${name}`);
      assert.match(
        env.DATABASE_URL ?? '',
        /^postgres:\/\/[^@]+@postgres:5432\//,
        `${name} uses the postgres service`,
      );
      assert.match(
        env.LIFTOFF_ENCRYPTION_KEY ?? '',
        /^\$\{LIFTOFF_ENCRYPTION_KEY:\?/,
        `${name} requires the key`,
      );
    }
    for (const name of ['liftoff-1', 'liftoff-2']) {
      const env = envOf(services[name]!);
      assert.equal(env.LIFTOFF_RUNNER, 'off', 'the worker executes the runs');
      assert.match(env.LIFTOFF_ADMIN_TOKEN ?? '', /^\$\{LIFTOFF_ADMIN_TOKEN:\?/);
    }
  });

  test('order: postgres healthy → migrate done → instances and worker; the proxy waits for healthy instances', () => {
    const dependsOn = (name: string) => services[name]!.depends_on as Record<string, { condition: string }>;
    assert.ok(services.postgres!.healthcheck);
    assert.equal(dependsOn('migrate').postgres?.condition, 'service_healthy');
    for (const name of ['liftoff-1', 'liftoff-2', 'worker'])
      assert.equal(dependsOn(name).migrate?.condition, 'service_completed_successfully', name);
    assert.equal(services.migrate!.restart, 'no');
    for (const name of ['migrate', 'worker'])
      assert.deepEqual(services[name]!.healthcheck, { disable: true }, `${name} serves no /healthz`);
    assert.deepEqual(Object.keys(dependsOn('proxy')).sort(), ['liftoff-1', 'liftoff-2']);
  });

  test('the proxy sends to both instances at the port they listen on', () => {
    const mount = (services.proxy!.volumes as string[]).find((v) => v.includes('nginx.conf'))!;
    const conf = read(mount.split(':')[0]!.replace(/^\.\//, ''));
    const port = envOf(services['liftoff-1']!).PORT ?? '3000';
    for (const name of ['liftoff-1', 'liftoff-2'])
      assert.match(conf, new RegExp(`server ${name}:${port}\\b`));
    assert.match(
      conf,
      /proxy_set_header X-Forwarded-For \$remote_addr;/,
      'overwritten, as LIFTOFF_TRUST_PROXY trusts it',
    );
  });
});

describe('deploy/kubernetes', () => {
  type K8s = {
    kind: string;
    metadata: { name: string; labels?: Record<string, string> };
    [key: string]: unknown;
  };
  const dir = join(ROOT, 'deploy/kubernetes');
  const objects: K8s[] = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => {
        assert.deepEqual(d.errors, [], f);
        return d.toJS() as K8s;
      }),
    );
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Pod = { metadata: { labels: Record<string, string> }; spec: any };
  const workloads = [...ofKind('Deployment'), ...ofKind('Job')].map((o) => ({
    name: o.metadata.name,
    kind: o.kind,
    pod: (o.spec as { template: Pod }).template,
    selector: (o.spec as { selector?: { matchLabels: Record<string, string> } }).selector?.matchLabels,
  }));
  const role = (args: string[]) => workloads.filter((w) => w.pod.spec.containers[0].args?.[0] === args[0]);
  const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
    Object.entries(selector).every(([k, v]) => labels[k] === v);

  test('instances, workers, a migration Job, Secret, ConfigMap, Service, PodDisruptionBudgets', () => {
    assert.equal(role(['start']).length, 1);
    assert.equal(role(['worker']).length, 1);
    assert.deepEqual(
      role(['migrate']).map((w) => w.kind),
      ['Job'],
    );
    for (const kind of ['Secret', 'ConfigMap', 'Service', 'PodDisruptionBudget'])
      assert.ok(ofKind(kind).length > 0, kind);
    const images = new Set(
      workloads.flatMap((w) => w.pod.spec.containers.map((c: { image: string }) => c.image)),
    );
    assert.equal(images.size, 1, `one image for every role: ${[...images].join(', ')}`);
  });

  test('containers: CLI commands, env the server reads, every referenced Secret/ConfigMap key defined', () => {
    const keys = (kind: string, name: string) => {
      const o = ofKind(kind).find((x) => x.metadata.name === name);
      return o ? Object.keys({ ...(o.data as object), ...(o.stringData as object) }) : undefined;
    };
    for (const w of workloads) {
      for (const c of w.pod.spec.containers) {
        assert.ok(CLI_COMMANDS.includes(c.args[0]), `${w.name}: ${c.args}`);
        const env = (c.env ?? []) as Array<{
          name: string;
          valueFrom?: Record<string, { name: string; key: string; optional?: boolean }>;
        }>;
        assertReadByServer(
          env.map((e) => e.name),
          `${w.name}`,
        );
        for (const e of env) {
          for (const [refKind, kind] of [
            ['secretKeyRef', 'Secret'],
            ['configMapKeyRef', 'ConfigMap'],
          ] as const) {
            const ref = e.valueFrom?.[refKind];
            if (!ref || ref.optional) continue;
            assert.ok(
              keys(kind, ref.name)?.includes(ref.key),
              `${w.name}: ${kind} ${ref.name} has no key ${ref.key}`,
            );
          }
        }
        const names = env.map((e) => e.name);
        for (const needed of ['DATABASE_URL', 'LIFTOFF_ENCRYPTION_KEY'])
          assert.ok(names.includes(needed), `${w.name} sets ${needed}`);
        assert.equal(w.pod.spec.securityContext?.runAsNonRoot, true, `${w.name} runs as non-root`);
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false, w.name);
      }
    }
    const instance = role(['start'])[0]!.pod.spec.containers[0];
    assert.ok(
      instance.env.some(
        (e: { name: string; value?: string }) => e.name === 'LIFTOFF_RUNNER' && e.value === 'off',
      ),
    );
    const worker = role(['worker'])[0]!.pod.spec.containers[0];
    assert.ok(
      !worker.env.some((e: { name: string }) => e.name.startsWith('SLACK_')),
      'workers hold no Slack credentials',
    );
  });

  test('probes hit /healthz on the port the server listens on; the Service and PDBs select real pods', () => {
    const { pod, selector } = role(['start'])[0]!;
    const c = pod.spec.containers[0];
    const port = Number(c.env.find((e: { name: string }) => e.name === 'PORT')?.value ?? 3000);
    const named = new Map<string, number>(
      c.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]),
    );
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const get = c[probe]?.httpGet;
      assert.equal(get?.path, '/healthz', probe);
      assert.equal(typeof get.port === 'string' ? named.get(get.port) : get.port, port, `${probe} port`);
    }
    assert.ok(matches(selector!, pod.metadata.labels));

    const service = ofKind('Service')[0]!.spec as {
      selector: Record<string, string>;
      ports: Array<{ targetPort: string | number }>;
    };
    assert.ok(matches(service.selector, pod.metadata.labels), 'the Service selects the instances');
    assert.ok(!matches(service.selector, role(['worker'])[0]!.pod.metadata.labels), 'and not the workers');
    for (const p of service.ports)
      assert.equal(typeof p.targetPort === 'string' ? named.get(p.targetPort) : p.targetPort, port);

    for (const pdb of ofKind('PodDisruptionBudget')) {
      const sel = (pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      const selected = workloads.filter(
        (w) => w.kind === 'Deployment' && matches(sel, w.pod.metadata.labels),
      );
      assert.equal(selected.length, 1, `${pdb.metadata.name} selects the pods of one Deployment`);
    }
    const covered = ofKind('PodDisruptionBudget').map(
      (p) => (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
    );
    for (const w of workloads.filter((x) => x.kind === 'Deployment'))
      assert.ok(
        covered.some((sel) => matches(sel, w.pod.metadata.labels)),
        `${w.name} has a PodDisruptionBudget`,
      );
  });

  test('the migration Job runs once and does not restart in place', () => {
    const job = role(['migrate'])[0]!;
    assert.ok(['Never', 'OnFailure'].includes(job.pod.spec.restartPolicy));
  });
});
