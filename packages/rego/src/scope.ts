// Compile-time scopes: local variable names resolved to slots of the rule's frame.

/** Slot allocator for one rule's (or query's) frame: every local gets a unique index. */
export class Frame {
  n = 0;
  names: string[] = [];
  /** Allocates the next slot. */
  alloc(name: string): number {
    this.names.push(name);
    return this.n++;
  }
}

/** A lexical scope (body, comprehension, `every`) mapping names to frame slots. */
export class Scope {
  vars = new Map<string, number>();
  assigned = new Set<string>();
  constructor(
    readonly parent: Scope | undefined,
    readonly frame: Frame,
  ) {}
  /** Slot of `name` in this scope or an enclosing one. */
  lookup(name: string): number | undefined {
    const v = this.vars.get(name);
    if (v !== undefined) return v;
    return this.parent?.lookup(name);
  }
  /** Declares `name` here (shadowing outer scopes) and returns its new slot. */
  declare(name: string): number {
    const slot = this.frame.alloc(name);
    this.vars.set(name, slot);
    return slot;
  }
}
