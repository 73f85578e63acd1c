// Compile-time scopes: local variable names resolved to slots of the rule's frame.

/**
 * Layout of one rule's (or query's) runtime frame (the evaluator's `Frame` array): every
 * local gets a unique slot index, and `n` is the array length the evaluator allocates.
 */
export class FrameLayout {
  n = 0;
  /** Allocates the next slot. */
  alloc(): number {
    return this.n++;
  }
}

/** A lexical scope (body, comprehension, `every`) mapping names to frame slots. */
export class Scope {
  vars = new Map<string, number>();
  assigned = new Set<string>();
  constructor(
    readonly parent: Scope | undefined,
    readonly frame: FrameLayout,
  ) {}
  /** Slot of `name` in this scope or an enclosing one. */
  lookup(name: string): number | undefined {
    const v = this.vars.get(name);
    if (v !== undefined) return v;
    return this.parent?.lookup(name);
  }
  /** Declares `name` here (shadowing outer scopes) and returns its new slot. */
  declare(name: string): number {
    const slot = this.frame.alloc();
    this.vars.set(name, slot);
    return slot;
  }
}
