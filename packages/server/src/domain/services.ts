// The domain's public surface, as wired by the composition root and consumed by adapters (HTTP, Slack, UI).
import type { AccessService } from './access.js';
import type { ApiKeyService } from './api-keys.js';
import type { AuditLog } from './audit.js';
import type { PolicyService } from './policies.js';
import type { RunService } from './runs.js';
import type { StackService } from './stacks.js';

export interface Services {
  stacks: StackService;
  runs: RunService;
  policies: PolicyService;
  access: AccessService;
  apiKeys: ApiKeyService;
  audit: AuditLog;
}
