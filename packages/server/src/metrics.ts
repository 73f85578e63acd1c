// A small Prometheus text-format registry: counters and histograms with labels, plus gauges sampled at scrape
// time. Enough for this service without another dependency.

type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map(
      (k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
    .join(',');
}

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1) {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  /** `inc` for fixed labels, without formatting them on every call (per-request hot paths). */
  bind(labels: Labels = {}): (by?: number) => void {
    const k = key(labels);
    return (by = 1) => this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

export class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {}
  observe(labels: Labels, value: number) {
    this.record(key(labels), value);
  }
  /** `observe` for fixed labels, without formatting them on every call (per-request hot paths). */
  bind(labels: Labels = {}): (value: number) => void {
    const k = key(labels);
    return (value) => this.record(k, value);
  }
  private record(k: string, value: number) {
    let s = this.series.get(k);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [k, s] of this.series) {
      const sep = k ? ',' : '';
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{${k}${sep}le="${b}"} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket{${k}${sep}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${k ? `{${k}}` : ''} ${s.sum}`);
      lines.push(`${this.name}_count${k ? `{${k}}` : ''} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export type GaugeSampler = () => Promise<Array<{ labels: Labels; value: number }>>;

export class Metrics {
  readonly httpRequests = new Counter(
    'liftoff_http_requests_total',
    'HTTP requests by method, route and status.',
  );
  readonly httpDuration = new Histogram(
    'liftoff_http_request_duration_seconds',
    'HTTP request latency by method and route.',
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  readonly policyEvaluations = new Counter(
    'liftoff_policy_evaluations_total',
    'Access policy evaluations by outcome (allow, deny, none, error).',
  );
  readonly policyDuration = new Histogram(
    'liftoff_policy_evaluation_duration_seconds',
    'Time to evaluate one access policy for one request.',
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5],
  );
  readonly accessDenials = new Counter(
    'liftoff_access_denials_total',
    'Requests refused by access policies.',
  );
  private readonly gauges: Array<{ name: string; help: string; sample: GaugeSampler }> = [];
  /** Counters and histograms registered by adapters (notifications), rendered after the built-in ones. */
  private readonly extra: Array<Counter | Histogram> = [];

  counter(name: string, help: string): Counter {
    const c = new Counter(name, help);
    this.extra.push(c);
    return c;
  }

  histogram(name: string, help: string, buckets: number[]): Histogram {
    const h = new Histogram(name, help, buckets);
    this.extra.push(h);
    return h;
  }

  gauge(name: string, help: string, sample: GaugeSampler) {
    this.gauges.push({ name, help, sample });
  }

  async render(): Promise<string> {
    const parts = [
      this.httpRequests.render(),
      this.httpDuration.render(),
      this.policyEvaluations.render(),
      this.policyDuration.render(),
      this.accessDenials.render(),
      ...this.extra.map((m) => m.render()),
    ];
    for (const g of this.gauges) {
      const lines = [`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`];
      for (const { labels, value } of await g.sample()) {
        const k = key(labels);
        lines.push(`${g.name}${k ? `{${k}}` : ''} ${value}`);
      }
      parts.push(lines.join('\n'));
    }
    return parts.join('\n') + '\n';
  }
}
