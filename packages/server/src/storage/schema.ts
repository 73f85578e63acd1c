// Table types for Kysely. JSON documents are stored as text and booleans as 0/1 integers so that SQLite and
// PostgreSQL share one schema and one repository layer.
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

/** Outbox of run state changes, written in the transaction of the change (SPEC §8). */
export interface RunEventsTable {
  id: Generated<number>;
  run_id: string;
  stack_id: string;
  state: string;
  previous_state: string | null;
  at: string;
  by: string | null;
  note: string | null;
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
}
