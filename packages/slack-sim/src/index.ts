import { once } from 'node:events';
import { Clock } from './clock.js';
import { Control } from './control.js';
import { Driver } from './driver.js';
import { Faults } from './faults.js';
import { createSimServer } from './http-server.js';
import { IdFactory } from './ids.js';
import { RateLimiter } from './rate-limits.js';
import { SocketModeHub } from './socket-mode.js';
import { Store } from './store.js';
import type { AddressInfo } from 'node:net';
import type { RateLimitConfig } from './rate-limits.js';
import type { SimServices } from './services.js';

export interface SlackSimOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1: loopback only. */
  host?: string;
  /** Default `{mode: 'slack'}`; tests use `off` or tight `custom` budgets. */
  rateLimits?: RateLimitConfig;
  /** Seed for ids and secrets; same seed + same operations = same ids. */
  idSeed?: string;
}

export interface SlackSim {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `http://127.0.0.1:<port>/api/` — give to WebClient/Bolt as `slackApiUrl`. */
  apiUrl: string;
  /** `http://127.0.0.1:<port>/oauth/v2/authorize` — give to InstallProvider as `authorizationUrl`. */
  authorizeUrl: string;
  control: Control;
  driver: Driver;
  /**
   * Resolve with the first truthy value of `probe`, checked as state changes. Apps ack first and
   * post afterwards, so tests wait for the effect rather than for the delivery. Rejects after
   * `timeoutMs` (default 5000) with `what` in the message.
   */
  waitFor<T>(
    probe: () => T | undefined | null | false,
    options?: { timeoutMs?: number; what?: string },
  ): Promise<T>;
  /** Wait until Events the simulator sent on its own (after auth.revoke, uninstall) are delivered. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startSlackSim(options: SlackSimOptions = {}): Promise<SlackSim> {
  const clock = new Clock();
  const ids = new IdFactory(options.idSeed);
  const store = new Store(ids, clock);
  const pending = new Set<Promise<void>>();
  let baseUrl = '';
  const sim: SimServices = {
    store,
    clock,
    ids,
    socketMode: new SocketModeHub({ store, clock, ids, baseUrl: () => baseUrl }),
    rateLimits: new RateLimiter(options.rateLimits ?? { mode: 'slack' }, () => clock.now()),
    faults: new Faults(() => clock.now()),
    baseUrl: () => baseUrl,
    notifyRevoked(installation, tokens, uninstalled) {
      // Slack tells the app asynchronously; a failing app must not fail the API call that caused it.
      const p = driver
        .notifyRevoked(installation, tokens, uninstalled)
        .catch(() => undefined)
        .finally(() => pending.delete(p));
      pending.add(p);
    },
  };
  const control = new Control(sim);
  const driver = new Driver(sim);
  const server = createSimServer(sim, control, driver);
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    authorizeUrl: `${baseUrl}/oauth/v2/authorize`,
    control,
    driver,
    async waitFor(probe, waitOptions = {}) {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 5000);
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline)
          throw new Error(`slack-sim: timed out waiting for ${waitOptions.what ?? 'condition'}`);
        // Polling is enough here: state only changes when a request arrives.
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      await Promise.all([...pending]);
      sim.socketMode.close();
      driver.close();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

export { Control } from './control.js';
export { Driver, DriverError } from './driver.js';
export { seedDemo } from './demo-seed.js';
export { browse } from './browser.js';
export type { BrowseResult, CookieJar } from './browser.js';
export { computeSignature, signatureHeaders, verifySignature } from './signing.js';
export { SLACK_TIER_PER_MINUTE, METHOD_TIERS } from './rate-limits.js';
export { RESPONSE_URL_LIFETIME_MS, RESPONSE_URL_MAX_USES } from './response-url.js';
export type { RateLimitConfig, Tier, Budget } from './rate-limits.js';
export type { FaultSpec, FaultKind } from './faults.js';
export type {
  DeliveryOptions,
  DeliveryResult,
  SlashCommandInput,
  SlashCommandResult,
  PostMessageInput,
  PostMessageResult,
  ClickInput,
  ClickResult,
  ViewTarget,
  ViewClickInput,
  ViewClickResult,
  ShortcutInput,
  ShortcutResult,
  AppHomeInput,
  BlockSuggestionInput,
  BlockSuggestionResult,
  SubmitViewInput,
  SubmitViewResult,
  CloseViewInput,
  CloseViewResult,
  EventInput,
  EventResult,
} from './driver.js';
export type { EnteredValue, EnteredValues } from './view-state.js';
export type { ResponseAction, SubmissionOutcome } from './view-submission.js';
export type { SocketFaults, DisconnectReason, SocketConnectionInfo, EnvelopeRecord } from './socket-mode.js';
export { TRIGGER_LIFETIME_MS } from './triggers.js';
export { MAX_MODAL_STACK } from './views.js';
export type { InstallSummary, MessageFilter, CallFilter } from './control.js';
export type { DemoWorkspace, DemoOptions } from './demo-seed.js';
export type { InstallInput } from './installations.js';
export type * from './types.js';
