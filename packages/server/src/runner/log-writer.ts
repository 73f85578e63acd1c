// Buffers a phase's output and appends it to the run's logs in chunks, so live logs can be read while the phase
// runs without one database write per output line.
import type { LogPhase } from '../domain/runs.js';

const FLUSH_MS = 250;
const FLUSH_BYTES = 32 * 1024;

export class LogWriter {
  private buffer = '';
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Everything written (for parsing the plan summary); bounded to keep memory flat on huge outputs. */
  private tail = '';

  constructor(
    private readonly phase: LogPhase,
    private readonly append: (phase: LogPhase, text: string) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  write(text: string): void {
    this.buffer += text;
    this.tail = (this.tail + text).slice(-256 * 1024);
    if (this.buffer.length >= FLUSH_BYTES) this.flushNow();
    else if (!this.timer) this.timer = setTimeout(() => this.flushNow(), FLUSH_MS);
  }

  output(): string {
    return this.tail;
  }

  /** Writes what is buffered and waits for all appends. */
  async close(): Promise<void> {
    this.flushNow();
    await this.chain;
  }

  private flushNow() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer === '') return;
    const text = this.buffer;
    this.buffer = '';
    this.chain = this.chain.then(() => this.append(this.phase, text)).catch(this.onError);
  }
}
