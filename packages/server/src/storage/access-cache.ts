// A bounded in-process cache for access data, valid until AccessChanges invalidates it or its time-to-live ends.
// Concurrent misses for one key share one database read, so a cold or expired entry under load costs one query.
import type { AccessChanges } from './access-changes.js';

interface Entry<V> {
  value: Promise<V>;
  /** Part of the identity that is compared rather than hashed (a stack's labels). */
  tag: readonly string[] | undefined;
  expires: number;
}

function sameTag(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class AccessCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly changes: AccessChanges,
    /** Bounds memory when keys are many (one entry per stack or API key). */
    private readonly maxEntries = 10_000,
  ) {
    changes.onInvalidate(() => this.entries.clear());
  }

  /**
   * The cached value for `key` (and `tag`), else `load()`'s. `keep` decides whether a loaded value is cached
   * (unknown API keys are not: anyone can make up many).
   */
  get(
    key: string,
    tag: readonly string[] | undefined,
    load: () => Promise<V>,
    keep: (value: V) => boolean = () => true,
  ): Promise<V> {
    const changes = this.changes;
    if (!changes.usable) return load();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now && sameTag(hit.tag, tag)) return hit.value;

    const epoch = changes.epoch;
    const value = load();
    const entry: Entry<V> = { value, tag, expires: now + changes.ttlMs };
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, entry);
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    value.then((v) => {
      // A change during the read may not be in what it returned (the invalidation has already cleared the map,
      // but be explicit about the epoch).
      if (!keep(v) || epoch !== changes.epoch) forget();
    }, forget);
    return value;
  }
}
