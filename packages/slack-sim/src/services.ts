import type { Clock } from './clock.js';
import type { Faults } from './faults.js';
import type { IdFactory } from './ids.js';
import type { RateLimiter } from './rate-limits.js';
import type { SocketModeHub } from './socket-mode.js';
import type { Store } from './store.js';
import type { Installation, Token } from './types.js';

/** What the simulator's parts share: state, time, ids, the knobs, and where it is reachable. */
export interface SimServices {
  store: Store;
  clock: Clock;
  ids: IdFactory;
  rateLimits: RateLimiter;
  faults: Faults;
  /** The Socket Mode endpoint: WebSocket connections of apps in Socket Mode. */
  socketMode: SocketModeHub;
  /** `http://127.0.0.1:<port>` once listening. */
  baseUrl(): string;
  /**
   * Tell the app (Events API) that tokens were revoked and, when nothing is left, that it was
   * uninstalled — as Slack does after auth.revoke or an uninstall. Fire-and-forget.
   */
  notifyRevoked(installation: Installation, tokens: Token[], uninstalled: boolean): void;
}
