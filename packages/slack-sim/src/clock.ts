// The simulator's notion of "now". Expiries (response_url, rotated tokens, OAuth codes) and rate-limit
// windows read this clock, so tests can jump forward in time instead of waiting. Request signatures the
// driver produces use the real wall clock, because the app under test verifies them against its own.
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock can only move forward');
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
