import { createHash } from 'node:crypto';

// Deterministic identifiers: the same sequence of operations yields the same ids, which keeps test
// output and snapshots stable. Shapes follow Slack's (upper-case prefix + alphanumerics), and message
// timestamps are "seconds.micros" strings that strictly increase, as Slack guarantees per channel.
export class IdFactory {
  private counters = new Map<string, number>();
  private lastTsMicros = 0;

  constructor(private readonly seed = 'slack-sim') {}

  /** The next number of a named sequence, starting at 1. */
  sequence(name: string): number {
    const n = (this.counters.get(`seq:${name}`) ?? 0) + 1;
    this.counters.set(`seq:${name}`, n);
    return n;
  }

  /** `T0000001`, `C0000002`… one sequence per prefix. */
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  /** A secret-looking hex string derived from the seed, so it is stable yet distinct per purpose. */
  secret(purpose: string, length = 32): string {
    const n = (this.counters.get(`secret:${purpose}`) ?? 0) + 1;
    this.counters.set(`secret:${purpose}`, n);
    return createHash('sha256').update(`${this.seed}:${purpose}:${n}`).digest('hex').slice(0, length);
  }

  /** A message timestamp strictly greater than every one handed out before. */
  messageTs(nowMs: number): string {
    const micros = Math.max(nowMs * 1000, this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  reset(): void {
    this.counters.clear();
    this.lastTsMicros = 0;
  }
}
