// Step and wall-clock budget of one evaluation.
import { RegoEvalError } from '../errors.js';

/** Counts evaluation steps and aborts with `eval_cancel_error` when a limit is exceeded. */
export class Budget {
  private steps = 0;
  private readonly deadline: number;

  constructor(
    private readonly maxSteps: number = Infinity,
    timeoutMs?: number,
  ) {
    this.deadline = timeoutMs !== undefined ? Date.now() + timeoutMs : Infinity;
  }

  /** Records one step; throws when the step or time budget is exhausted. */
  step(): void {
    const n = ++this.steps;
    if (n > this.maxSteps) {
      throw new RegoEvalError(
        'eval_cancel_error',
        `evaluation exceeded the step budget (${this.maxSteps} steps)`,
      );
    }
    // Reading the clock costs more than a step: check it every 128 steps.
    if ((n & 127) === 0 && this.deadline !== Infinity && Date.now() > this.deadline) {
      throw new RegoEvalError('eval_cancel_error', 'evaluation exceeded the time budget');
    }
  }

  /** Records `n` steps at once (builtins about to build a large result). */
  charge(n: number): void {
    if (!(n > 0)) return;
    this.steps += Math.floor(n);
    if (this.steps > this.maxSteps) {
      throw new RegoEvalError(
        'eval_cancel_error',
        `evaluation exceeded the step budget (${this.maxSteps} steps)`,
      );
    }
    if (this.deadline !== Infinity && Date.now() > this.deadline) {
      throw new RegoEvalError('eval_cancel_error', 'evaluation exceeded the time budget');
    }
  }
}
