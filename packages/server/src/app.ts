// Composition root: wires storage, domain, runner and HTTP. Used by the CLI and by tests (full server on port 0,
// in-process). Later pieces (Slack app, notifications, web UI) plug in through `plugins` and
// `services.runs.onStateChanged` / the `run_events` outbox.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { monotonicFactory } from 'ulid';
import { resolveEncryptionKey, type Config } from './config.js';
import { AccessService } from './domain/access.js';
import { ApiKeyService } from './domain/api-keys.js';
import { AuditLog } from './domain/audit.js';
import { PolicyService } from './domain/policies.js';
import { RunService } from './domain/runs.js';
import type { Services } from './domain/services.js';
import { StackService } from './domain/stacks.js';
import { SYSTEM } from './domain/subjects.js';
import { buildHttpServer } from './http/server.js';
import { createSlackApp, type SlackApp } from './slack/app.js';
import { createLogger } from './logger.js';
import { Metrics } from './metrics.js';
import {
  createNotifications,
  notificationTuning,
  type Notifications,
  type NotificationsOptions,
} from './slack/outbound/notifications.js';
import { deliveryInstallations } from './slack/outbound/credentials.js';
import { RegoPolicyEngine } from './policy-engine/rego.js';
import { Runner } from './runner/runner.js';
import {
  localAccessChanges,
  postgresAccessChanges,
  type AccessChangeFeed,
} from './storage/access-changes.js';
import { AccessChangingStackRepository } from './storage/access-changing-stack-repository.js';
import { KyselyApiKeyRepository } from './storage/api-key-repository.js';
import { CachedApiKeyRepository } from './storage/cached-api-key-repository.js';
import { CachedPolicyRepository } from './storage/cached-policy-repository.js';
import { KyselyAuditRepository } from './storage/audit-repository.js';
import { openDatabase, type Storage } from './storage/database.js';
import { migrate } from './storage/migrations/index.js';
import { KyselyPolicyRepository } from './storage/policy-repository.js';
import { KyselyRunArtifactStore } from './storage/run-artifacts.js';
import { KyselyRunRepository } from './storage/run-repository.js';
import { SecretCipher } from './secret-cipher.js';
import { KyselyStackRepository } from './storage/stack-repository.js';
import { KyselyRunEventFeed } from './storage/run-events.js';
import { postgresRunSignal } from './storage/run-signal.js';
import { SessionStore } from './storage/web-sessions.js';
import { DeliveryStore } from './storage/slack-deliveries.js';
import { HandledRequests } from './storage/slack-handled-requests.js';
import { SlackInstallationRepository } from './storage/slack-installations.js';
import { SubscriptionStore } from './storage/slack-subscriptions.js';
import { WorkerRepository } from './storage/worker-repository.js';

export interface LiftoffOptions {
  logger?: Logger;
  /** Serve HTTP (default true). */
  http?: boolean;
  /** Run the runner in this process (default: config.runner === 'embedded'). */
  runner?: boolean;
  plugins?: FastifyPluginAsync[];
  workspaceRoot?: string;
  runnerConcurrency?: number;
  /** On shutdown, how long in-flight runs may finish before they are failed (default 10 s). */
  shutdownGraceMs?: number;
  /**
   * Slack run notifications (default: on wherever HTTP is served). Tuning overrides for tests and benchmarks;
   * `false` turns delivery off in this process.
   */
  notifications?: false | Partial<NotificationsOptions>;
  /** How long cached API keys and policy attachments may be served without a change notice (default 1 s). */
  accessCacheTtlMs?: number;
}

export interface Liftoff {
  config: Config;
  logger: Logger;
  storage: Storage;
  services: Services;
  metrics: Metrics;
  encryptionKey: Buffer;
  /** Plan artifacts in the database (docs/runs.md). */
  artifacts: KyselyRunArtifactStore;
  runner: Runner | undefined;
  http: FastifyInstance | undefined;
  /** The Slack app (installation, subscriptions, bot client); `configured` is false without Slack credentials. */
  slack: SlackApp;
  /** Slack run notifications (outbox delivery); undefined where this process does not deliver. */
  notifications: Notifications | undefined;
  /** Base URL once listening. */
  url: string | undefined;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** `liftoff migrate`: applies pending migrations and closes the database; returns the names applied. */
export async function migrateDatabase(config: Config): Promise<string[]> {
  const storage = openDatabase(config.database);
  try {
    return await migrate(storage.db, storage.dialect);
  } finally {
    await storage.close();
  }
}

/** Opens the database, applies migrations and wires everything; nothing listens or runs until `start()`. */
export async function createLiftoff(config: Config, options: LiftoffOptions = {}): Promise<Liftoff> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const encryptionKey = resolveEncryptionKey(config);
  const storage = openDatabase(config.database);
  try {
    const applied = await migrate(storage.db, storage.dialect);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  } catch (err) {
    await storage.close();
    throw err;
  }

  const metrics = new Metrics();
  const stackRepo = new KyselyStackRepository(storage.db);
  const runRepo = new KyselyRunRepository(storage.db, storage.dialect);
  // API keys and the policies applying to a stack are read on every request: cached, invalidated on change.
  const accessChanges: AccessChangeFeed =
    config.database.kind === 'postgres'
      ? postgresAccessChanges(storage.db, config.database.url, logger, options.accessCacheTtlMs)
      : localAccessChanges(options.accessCacheTtlMs);
  const policyRepo = new CachedPolicyRepository(
    new KyselyPolicyRepository(storage.db),
    accessChanges.changes,
  );
  const audit = new AuditLog(new KyselyAuditRepository(storage.db));
  const engine = new RegoPolicyEngine();
  // Once per policy per request: label keys are formatted once, here.
  const evaluations = {
    allow: metrics.policyEvaluations.bind({ outcome: 'allow' }),
    deny: metrics.policyEvaluations.bind({ outcome: 'deny' }),
    none: metrics.policyEvaluations.bind({ outcome: 'none' }),
    error: metrics.policyEvaluations.bind({ outcome: 'error' }),
  };
  const policyDuration = metrics.policyDuration.bind();
  const access = new AccessService(policyRepo, engine, audit, {
    budgetMs: 500,
    observer: {
      policyEvaluated(outcome, ms) {
        evaluations[outcome]();
        policyDuration(ms / 1000);
      },
      accessDenied(needed) {
        metrics.accessDenials.inc({ needed });
      },
    },
  });
  const newRunId = monotonicFactory();
  const services: Services = {
    stacks: new StackService(new AccessChangingStackRepository(stackRepo, accessChanges.changes), audit),
    runs: new RunService(runRepo, stackRepo, access, audit, () => newRunId()),
    policies: new PolicyService(policyRepo, engine, audit),
    access,
    apiKeys: new ApiKeyService(
      new CachedApiKeyRepository(new KyselyApiKeyRepository(storage.db), accessChanges.changes),
      audit,
    ),
    audit,
  };
  metrics.gauge('liftoff_runs', 'Runs by state.', async () =>
    (await runRepo.countByState()).map((r) => ({ labels: { state: r.state }, value: r.count })),
  );

  if (config.adminToken) await services.apiKeys.ensureAdminToken(SYSTEM, config.adminToken);

  // Several processes on PostgreSQL: tell runners elsewhere that a run was queued or confirmed, or that one
  // ended (its stack may now run the next).
  const signal =
    config.database.kind === 'postgres'
      ? postgresRunSignal(storage.db, config.database.url, logger)
      : undefined;
  if (signal) {
    services.runs.onStateChanged((change) => {
      if (
        change.to === 'QUEUED' ||
        change.to === 'CONFIRMED' ||
        change.to === 'FINISHED' ||
        change.to === 'FAILED'
      ) {
        signal.notify();
      }
    });
  }

  const artifacts = new KyselyRunArtifactStore(storage.db, storage.dialect, new SecretCipher(encryptionKey), {
    maxBytes: config.artifactMaxBytes,
  });
  metrics.gauge('liftoff_run_artifact_bytes', 'Bytes of plan artifacts kept (compressed).', async () => [
    { labels: {}, value: await artifacts.storedBytes() },
  ]);

  const wantRunner = options.runner ?? config.runner === 'embedded';
  const runner = wantRunner
    ? new Runner(
        {
          runs: runRepo,
          stacks: stackRepo,
          service: services.runs,
          workers: new WorkerRepository(storage.db),
          artifacts,
          logger,
          signal,
        },
        {
          pollMs: config.runnerPollMs,
          leaseMs: config.workerLeaseMs,
          concurrency: options.runnerConcurrency ?? config.runnerConcurrency,
          workspaceRoot: options.workspaceRoot ?? join(tmpdir(), 'liftoff-workspaces'),
          shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
        },
      )
    : undefined;
  let listeningUrl: string | undefined;
  // PORT=0 without PUBLIC_URL (tests, the demo): the real port is known only once listening.
  const slackPublicUrl = () =>
    listeningUrl && config.publicUrl === `http://localhost:${config.port}` && config.port === 0
      ? listeningUrl
      : config.publicUrl;
  const subscriptions = new SubscriptionStore(storage.db);
  const installationRows = new SlackInstallationRepository(storage.db);
  const slack = createSlackApp({
    config,
    services,
    installationRows,
    subscriptions,
    handled: new HandledRequests(storage.db),
    encryptionKey,
    logger,
    publicUrl: slackPublicUrl,
  });
  // Delivery runs in processes that serve HTTP (`liftoff start`); runner-only workers leave it to them.
  const notifications =
    options.http === false || options.notifications === false
      ? undefined
      : createNotifications({
          openStore: (pacer) => new DeliveryStore(storage.db, storage.dialect, pacer),
          singleProcess: storage.dialect === 'sqlite',
          subscriptions,
          runs: runRepo,
          stacks: stackRepo,
          credentials: deliveryInstallations(installationRows, encryptionKey, config, logger),
          slackApiUrl: config.slack.apiUrl,
          publicUrl: slackPublicUrl,
          logger,
          metrics,
          ...notificationTuning(process.env),
          ...options.notifications,
        });
  if (notifications) services.runs.onStateChanged(() => notifications.dispatcher.wake());
  const http =
    options.http === false
      ? undefined
      : await buildHttpServer({
          services,
          metrics,
          logger,
          publicUrl: config.publicUrl,
          trustProxy: config.trustProxy,
          healthCheck: () => storage.ping(),
          web: {
            sessions: new SessionStore(storage.db),
            runEvents: new KyselyRunEventFeed(storage.db),
            draftEngine: new RegoPolicyEngine(),
            secureCookies: config.publicUrl.startsWith('https:'),
          },
          slack: {
            integration: slack.integration,
            subscriptions,
            ...(notifications ? { deliveries: notifications.deliveries } : {}),
          },
          plugins: [...(options.plugins ?? []), slack.plugin],
        });

  let closed = false;
  const liftoff: Liftoff = {
    config,
    logger,
    storage,
    services,
    metrics,
    encryptionKey,
    artifacts,
    runner,
    http,
    slack,
    notifications,
    url: undefined,
    async start() {
      if (http) {
        await accessChanges.start();
        await http.listen({ port: config.port, host: config.host });
        const address = http.server.address();
        const port = typeof address === 'object' && address ? address.port : config.port;
        const host = config.host.includes(':') ? `[${config.host}]` : config.host;
        liftoff.url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
        listeningUrl = liftoff.url;
        logger.info({ port, host: config.host, url: liftoff.url }, `listening on port ${port}`);
      }
      if (runner) await runner.start();
      await notifications?.start();
    },
    async close() {
      if (closed) return;
      closed = true;
      await http?.close();
      await accessChanges.stop();
      await notifications?.stop();
      await runner?.stop();
      await storage.close();
    },
  };
  return liftoff;
}
