// The budget of one evaluation: steps, wall-clock time and the bytes of the values builtins
// build. The evaluator charges a step per expression; builtins charge the work and the values
// they are about to produce (see ../builtins/registry.ts), so that a hostile argument ends in
// `eval_cancel_error` at the budget instead of exhausting memory or blocking the event loop.
import { RegoEvalError } from '../errors.js';

/** Counts steps, time and built bytes; throws `eval_cancel_error` when a limit is exceeded. */
export class Budget {
  private steps = 0;
  /** Bytes charged so far (read on every builtin call: a plain field, not a getter). */
  bytesCharged = 0;
  private readonly maxSteps: number;
  private readonly maxBytes: number;
  private readonly deadline: number;

  /** Each limit defaults to unbounded. (Positional: one is made per evaluation, on the hot path.) */
  constructor(maxSteps = Infinity, timeoutMs?: number, maxBytes = Infinity) {
    this.maxSteps = maxSteps;
    this.maxBytes = maxBytes;
    this.deadline = timeoutMs !== undefined ? Date.now() + timeoutMs : Infinity;
  }

  /** Records one step; throws when the step or time budget is exhausted. */
  step(): void {
    const n = ++this.steps;
    if (n > this.maxSteps) this.stepsExceeded();
    // Reading the clock costs more than a step: check it every 128 steps.
    if ((n & 127) === 0 && this.deadline !== Infinity && Date.now() > this.deadline) this.timeExceeded();
  }

  /** Records `n` steps at once (builtins about to build a large result) and checks the clock. */
  charge(n: number): void {
    if (!(n > 0)) return;
    this.steps += Math.floor(n);
    if (this.steps > this.maxSteps) this.stepsExceeded();
    this.checkTime();
  }

  /** Records `n` bytes of values about to be built; throws when the size budget is exhausted. */
  allocate(n: number): void {
    if (!(n > 0)) return;
    this.bytesCharged += n;
    if (this.bytesCharged > this.maxBytes) {
      throw new RegoEvalError(
        'eval_cancel_error',
        `evaluation exceeded the memory budget (${this.maxBytes} bytes of built values)`,
      );
    }
  }

  /** Throws when the wall-clock budget is exhausted; cheap enough to call in a builtin's loop. */
  checkTime(): void {
    if (this.deadline !== Infinity && Date.now() > this.deadline) this.timeExceeded();
  }

  /**
   * Refuses work that cannot be interrupted once started (a library call) when it would run
   * past the deadline: `ms` is the caller's estimate of its duration.
   */
  expectWork(ms: number): void {
    if (this.deadline !== Infinity && Date.now() + ms > this.deadline) {
      throw new RegoEvalError(
        'eval_cancel_error',
        `evaluation exceeded the time budget (a builtin needs about ${Math.ceil(ms)} ms)`,
      );
    }
  }

  private stepsExceeded(): never {
    throw new RegoEvalError(
      'eval_cancel_error',
      `evaluation exceeded the step budget (${this.maxSteps} steps)`,
    );
  }

  private timeExceeded(): never {
    throw new RegoEvalError('eval_cancel_error', 'evaluation exceeded the time budget');
  }
}
