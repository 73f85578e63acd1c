// Table types for Kysely: the one schema of every table the migrations create (storage/migrations). JSON documents
// are stored as text and booleans as 0/1 integers so that SQLite and PostgreSQL share one schema and one repository
// layer.
import type { Generated } from 'kysely';

export interface StacksTable {
  id: string;
  name: string;
  description: string;
  labels: string;
  repository: string | null;
  branch: string | null;
  project_root: string | null;
  autodeploy: number;
  administrative: number;
  commands: string;
  env: string;
  locked_by: string | null;
  namespace: string | null;
  terraform_version: string | null;
  /** Tool preset (migration 0006): null, "terraform" or "opentofu". */
  tool: string | null;
  created_at: string;
  updated_at: string;
}

export interface RunsTable {
  id: string;
  stack_id: string;
  type: string;
  state: string;
  triggered_by: string;
  commit_hash: string | null;
  commit_message: string | null;
  commit_author: string | null;
  delta_add: number | null;
  delta_change: number | null;
  delta_destroy: number | null;
  worker_id: string | null;
  process_group: number | null;
  /** JSON list of planned resource changes (migration 0006); null when unknown. */
  resource_changes: string | null;
  created_at: string;
  updated_at: string;
}

export interface RunHistoryTable {
  id: Generated<number>;
  run_id: string;
  state: string;
  at: string;
  by: string | null;
  note: string | null;
}

/** Outbox of run state changes, written in the transaction of the change (docs/notifications.md). */
export interface RunEventsTable {
  id: Generated<number>;
  run_id: string;
  stack_id: string;
  state: string;
  previous_state: string | null;
  at: string;
  by: string | null;
  note: string | null;
  /** When Slack delivery turned the event into run messages (migration 0004); null until then. */
  slack_fanout_at: Generated<string | null>;
}

export interface RunLogsTable {
  id: Generated<number>;
  run_id: string;
  phase: string;
  text: string;
  at: string;
}

export interface PoliciesTable {
  id: string;
  name: string;
  type: string;
  body: string;
  rego_version: string;
  labels: string;
  revision: number;
  last_error: string | null;
  last_error_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface StackPoliciesTable {
  stack_id: string;
  policy_id: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  login: string;
  admin: number;
  teams: string;
  secret_hash: string;
  created_at: string;
  created_by: string;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: string;
  actor: string;
  channel: string | null;
  action: string;
  target: string;
  decision: string;
  detail: string | null;
}

export interface WorkersTable {
  id: string;
  hostname: string;
  pid: number;
  started_at: string;
  heartbeat_at: string;
}

/** Web UI sessions (migration 0002): the SHA-256 of the cookie token, never the token. */
export interface WebSessionsTable {
  id: string;
  api_key_id: string;
  created_at: string;
  expires_at: string;
  created_ip: string;
}

/** The deployment's one Slack installation (migration 0003). */
export interface SlackInstallationsTable {
  id: string;
  team_id: string | null;
  team_name: string | null;
  enterprise_id: string | null;
  enterprise_name: string | null;
  is_enterprise_install: number;
  app_id: string | null;
  bot_user_id: string;
  bot_id: string | null;
  /** AES-256-GCM ciphertext (secret-cipher.ts), never the token. */
  bot_token: string;
  bot_refresh_token: string | null;
  bot_token_expires_at: string | null;
  scopes: string;
  installed_by: string | null;
  installer_slack_user_id: string | null;
  installed_at: string;
  active: number;
  deactivated_at: string | null;
  deactivated_reason: string | null;
  updated_at: string;
}

/** Which Slack channels follow which stack's runs (migration 0003). */
export interface SlackSubscriptionsTable {
  stack_id: string;
  channel_id: string;
  channel_name: string;
  team_id: string | null;
  created_by: string;
  created_at: string;
  disabled_reason: string | null;
  disabled_at: string | null;
}

/** Keys of Slack requests already acted on, so a redelivery never acts twice (migration 0003). */
export interface SlackHandledRequestsTable {
  key: string;
  received_at: string;
}

export type DeliveryStatus = 'pending' | 'failed' | 'disabled';

/** One run message per (run, channel) (migration 0004, docs/notifications.md). */
export interface SlackMessagesTable {
  run_id: string;
  channel_id: string;
  stack_id: string;
  ts: string | null;
  wanted_version: number | string;
  sent_version: number | string;
  pending_since_ms: number | string | null;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_ms: number | string;
  claim_token: string | null;
  claim_until_ms: number | string | null;
  post_started_at: string | null;
  uncertain_posts: number;
  calls: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** Slack rate budgets shared by every instance (migration 0004). */
export interface SlackRateBucketsTable {
  key: string;
  tokens: number;
  updated_ms: number | string;
  blocked_until_ms: number | string;
}

/** The single row that serializes delivery claims across instances (migration 0004). */
export interface SlackDispatchLockTable {
  id: number;
}

/** A run's plan artifact (migration 0006, docs/runs.md): its chunks are complete once `complete` is 1. */
export interface RunArtifactsTable {
  run_id: string;
  complete: number;
  bytes: number | string;
  chunks: number;
  created_at: string;
}

/** One encrypted chunk of a plan artifact (secret-cipher.ts; the run, position and "last" bound as purpose). */
export interface RunArtifactChunksTable {
  run_id: string;
  seq: number;
  data: Uint8Array;
}

export interface Database {
  stacks: StacksTable;
  runs: RunsTable;
  run_history: RunHistoryTable;
  run_events: RunEventsTable;
  run_logs: RunLogsTable;
  policies: PoliciesTable;
  stack_policies: StackPoliciesTable;
  api_keys: ApiKeysTable;
  audit_events: AuditEventsTable;
  workers: WorkersTable;
  web_sessions: WebSessionsTable;
  slack_installations: SlackInstallationsTable;
  slack_subscriptions: SlackSubscriptionsTable;
  slack_handled_requests: SlackHandledRequestsTable;
  slack_messages: SlackMessagesTable;
  slack_rate_buckets: SlackRateBucketsTable;
  slack_dispatch_lock: SlackDispatchLockTable;
  run_artifacts: RunArtifactsTable;
  run_artifact_chunks: RunArtifactChunksTable;
}
