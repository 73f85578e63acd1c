// Response shapes. Field names are the API's (snake_case, as in the policy input documents).
import type { ApiKey } from '../domain/api-keys.js';
import type { Policy } from '../domain/policies.js';
import type { Run } from '../domain/runs.js';
import type { Stack } from '../domain/stacks.js';

/** Environment values can be secrets: only admins see them; others see the names. */
export function presentStack(stack: Stack, admin: boolean) {
  return {
    ...stack,
    env: admin ? stack.env : Object.fromEntries(Object.keys(stack.env).map((k) => [k, '********'])),
  };
}

export function presentRun(run: Run) {
  return {
    id: run.id,
    stack_id: run.stack_id,
    type: run.type,
    state: run.state,
    triggered_by: run.triggered_by,
    commit: run.commit,
    delta: run.delta,
    resource_changes: run.resource_changes,
    history: run.history,
    created_at: run.created_at,
    updated_at: run.updated_at,
  };
}

export function presentPolicy(policy: Policy, attachedTo?: string[]) {
  return { ...policy, ...(attachedTo ? { attached_stacks: attachedTo } : {}) };
}

export function presentApiKey(key: ApiKey) {
  return key;
}
