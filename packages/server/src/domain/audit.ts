// Audit log: every write action (allowed or denied), from the API or Slack, with actor, channel and decision.
import type { Subject } from './subjects.js';

export type AuditDecision = 'allowed' | 'denied' | 'error';

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  channel: string | null;
  action: string;
  target: string;
  decision: AuditDecision;
  detail: string | null;
}

export interface AuditRepository {
  record(event: Omit<AuditEvent, 'id'>): Promise<void>;
  list(options: { limit: number; before?: number }): Promise<AuditEvent[]>;
}

export class AuditLog {
  constructor(
    private readonly repo: AuditRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  allowed(subject: Subject, action: string, target: string, detail: string | null = null): Promise<void> {
    return this.write(subject, action, target, 'allowed', detail);
  }

  denied(subject: Subject, action: string, target: string, detail: string | null = null): Promise<void> {
    return this.write(subject, action, target, 'denied', detail);
  }

  error(subject: Subject, action: string, target: string, detail: string): Promise<void> {
    return this.write(subject, action, target, 'error', detail);
  }

  list(limit = 100, before?: number): Promise<AuditEvent[]> {
    return this.repo.list({ limit, before });
  }

  private write(
    subject: Subject,
    action: string,
    target: string,
    decision: AuditDecision,
    detail: string | null,
  ) {
    return this.repo.record({
      at: this.now().toISOString(),
      actor: subject.actor,
      channel: subject.channel,
      action,
      target,
      decision,
      detail,
    });
  }
}
