// Runner processes (workers) and their leases: each holds a heartbeat so that live workers never fail each other's
// runs, while the runs of a dead worker are recovered (docs/architecture.md). Ports; storage implements them.

export interface WorkerRecord {
  id: string;
  hostname: string;
  pid: number;
  started_at: string;
  heartbeat_at: string;
}

export interface WorkerRegistry {
  register(worker: WorkerRecord): Promise<void>;
  /**
   * Renews the lease. Returns false when the row was gone: another worker declared us dead (e.g. the event loop
   * stalled past the lease); the caller re-registers so its later runs are not treated as orphans.
   */
  heartbeat(id: string, at: string): Promise<boolean>;
  list(): Promise<WorkerRecord[]>;
  remove(ids: readonly string[]): Promise<void>;
}

/**
 * A cross-process hint that a run may be claimable (queued, confirmed, or a stack's run ended). Only a hint: the
 * database stays the source of truth and runners keep polling.
 */
export interface RunSignal {
  notify(): void;
  /** Calls `onSignal` on every notification until the returned function is called. */
  listen(onSignal: () => void): Promise<() => Promise<void>>;
}
