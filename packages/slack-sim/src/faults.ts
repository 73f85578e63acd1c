// Fault injection: make Slack misbehave on purpose so the app's error paths can be tested.
// A fault applies to one method (or `*`), optionally for a number of calls and/or a duration on the
// sim clock. Besides Web API method names, `response_url` and `oauth/authorize` are valid targets.

export type FaultKind =
  /** Answer with an HTTP error status (Slack's edge returns 5xx during incidents). */
  | { kind: 'http_error'; status?: number; body?: string }
  /** Answer HTTP 200 `{ok:false, error}` (e.g. `internal_error`, `fatal_error`, `ratelimited`). */
  | { kind: 'api_error'; error: string }
  /** Delay the answer; the call then proceeds normally. */
  | { kind: 'latency'; ms: number }
  /** Destroy the socket without answering. */
  | { kind: 'drop' };

export type FaultSpec = FaultKind & {
  method: string;
  /** Apply to this many matching calls, then disappear. */
  times?: number;
  /** Apply for this long (sim clock), then disappear. */
  durationMs?: number;
};

export interface Fault {
  id: string;
  spec: FaultSpec;
  remaining: number | null;
  until: number | null;
  hits: number;
}

export class Faults {
  private list: Fault[] = [];
  private n = 0;

  constructor(private readonly now: () => number) {}

  inject(spec: FaultSpec): Fault {
    if (spec.kind === 'latency' && !(spec.ms >= 0)) throw new RangeError('latency fault needs ms >= 0');
    const fault: Fault = {
      id: `fault-${++this.n}`,
      spec,
      remaining: spec.times ?? null,
      until: spec.durationMs !== undefined ? this.now() + spec.durationMs : null,
      hits: 0,
    };
    this.list.push(fault);
    return fault;
  }

  clear(id?: string): void {
    this.list = id === undefined ? [] : this.list.filter((f) => f.id !== id);
  }

  active(): Fault[] {
    this.expire();
    return [...this.list];
  }

  /**
   * Consume the faults that apply to one call, in injection order. Latency faults stack with one
   * terminal fault (error or drop); the first terminal fault wins.
   */
  take(method: string): { latencyMs: number; terminal: FaultKind | null } {
    this.expire();
    let latencyMs = 0;
    let terminal: FaultKind | null = null;
    for (const f of this.list) {
      if (f.spec.method !== method && f.spec.method !== '*') continue;
      if (f.spec.kind === 'latency') latencyMs += f.spec.ms;
      else if (terminal === null) terminal = f.spec;
      else continue;
      f.hits += 1;
      if (f.remaining !== null) f.remaining -= 1;
    }
    this.expire();
    return { latencyMs, terminal };
  }

  private expire(): void {
    const now = this.now();
    this.list = this.list.filter(
      (f) => (f.remaining === null || f.remaining > 0) && (f.until === null || now < f.until),
    );
  }
}
