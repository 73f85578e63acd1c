import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { computeSignature } from './signing.js';
import type { SimServices } from './services.js';
import type { App, Delivery } from './types.js';

// How Slack's requests reach an app: a POST to its request URL, signed with its signing secret,
// given up after 3 seconds as Slack does — with knobs to break each of those on purpose.

/** Knobs for testing the app's request verification and retry handling. */
export interface DeliveryOptions {
  /** `X-Slack-Retry-Num`; Slack sets it on redeliveries. */
  retryNum?: number;
  /** `X-Slack-Retry-Reason`, e.g. `http_timeout`, `http_error`. Default `http_timeout` with retryNum. */
  retryReason?: string;
  /** Override `X-Slack-Request-Timestamp` (seconds). */
  timestamp?: number;
  /** Shift the timestamp into the past, e.g. 301 for a stale request. */
  staleBySeconds?: number;
  /** `bad`: signed with another secret; `missing`: no signature header. */
  signature?: 'valid' | 'bad' | 'missing';
  /** Leave out `X-Slack-Request-Timestamp`. */
  omitTimestamp?: boolean;
  /** Change the body after signing it. */
  tamper?: (rawBody: string) => string;
  /** Sign with this secret instead of the app's. */
  signingSecret?: string;
  /** Send somewhere else than the app's configured URL. */
  url?: string;
  /** Give up after this long, as Slack does after 3 s. Default 3000. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /**
   * Deliver commands and clicks although the app is not installed in the workspace (Slack would
   * not), e.g. to test how an app answers with a stale installation record.
   */
  evenIfUninstalled?: boolean;
  /** Events only: redeliver as Slack does when the app fails or is slow (up to 3 retries). */
  slackRetries?: boolean;
}

export interface DeliveryResult {
  /** The app's HTTP status, or null when it did not answer in time or the connection failed. */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON when it is JSON. */
  json: unknown;
  /** Time from sending to the complete answer, in ms. */
  ackMs: number;
  timedOut: boolean;
  error: string | null;
  /** What was sent. */
  request: { url: string; headers: Record<string, string>; body: string };
}

export class NoRequestUrlError extends Error {
  constructor(appId: string) {
    super(`app ${appId} has no request URL: set requestUrl`);
    this.name = 'NoRequestUrlError';
  }
}

export class AppTransport {
  /** Slack keeps connections to an app open; so does the simulator (and it keeps benchmarks honest). */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly sim: SimServices) {}

  /** Release pooled connections. */
  close(): void {
    this.agent.destroy();
  }

  /** Sign and send one request, record it in the delivery log, and report how the app answered. */
  async send(
    kind: Delivery['kind'],
    app: App,
    configuredUrl: string | null,
    rawBody: string,
    contentType: string,
    options: DeliveryOptions,
  ): Promise<DeliveryResult> {
    const url = options.url ?? configuredUrl;
    if (!url) throw new NoRequestUrlError(app.id);
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000) - (options.staleBySeconds ?? 0);
    const secret =
      options.signature === 'bad'
        ? `${app.signingSecret}-wrong`
        : (options.signingSecret ?? app.signingSecret);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      accept: 'application/json,*/*',
    };
    if (!options.omitTimestamp) headers['x-slack-request-timestamp'] = String(timestamp);
    if (options.signature !== 'missing')
      headers['x-slack-signature'] = computeSignature(secret, timestamp, rawBody);
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
    }
    Object.assign(headers, options.headers ?? {});
    const body = options.tamper ? options.tamper(rawBody) : rawBody;

    const { delivery, result } = beginDelivery(this.sim, kind, 'http', app, { url, headers, body });
    const started = performance.now();
    try {
      const res = await post(this.agent, url, headers, body, options.timeoutMs ?? 3000);
      result.status = res.status;
      result.headers = res.headers;
      result.body = res.body;
      try {
        result.json = result.body ? JSON.parse(result.body) : null;
      } catch {
        result.json = null;
      }
    } catch (err) {
      const e = err as Error;
      result.timedOut = e.name === 'TimeoutError';
      // Slack's names for these failures, as shown in its delivery logs.
      result.error = result.timedOut ? 'operation_timeout' : `dispatch_failed: ${e.message}`;
    }
    result.ackMs = performance.now() - started;
    return endDelivery(delivery, result);
  }
}

/** A delivery in the log, and the result to fill in as the app answers (over HTTP or a socket). */
export function beginDelivery(
  sim: Pick<SimServices, 'store' | 'clock'>,
  kind: Delivery['kind'],
  transport: Delivery['transport'],
  app: App,
  request: DeliveryResult['request'],
): { delivery: Delivery; result: DeliveryResult } {
  const delivery: Delivery = {
    seq: sim.store.nextSeq(),
    at: sim.clock.now(),
    kind,
    transport,
    appId: app.id,
    url: request.url,
    status: null,
    ackMs: 0,
    error: null,
  };
  sim.store.deliveries.push(delivery);
  const result: DeliveryResult = {
    status: null,
    headers: {},
    body: '',
    json: null,
    ackMs: 0,
    timedOut: false,
    error: null,
    request,
  };
  return { delivery, result };
}

/** Record how the app answered in the delivery log. */
export function endDelivery<R extends DeliveryResult>(delivery: Delivery, result: R): R {
  delivery.url = result.request.url;
  delivery.status = result.status;
  delivery.ackMs = result.ackMs;
  delivery.error = result.error;
  return result;
}

export function delivered(r: DeliveryResult): boolean {
  return r.status !== null && r.status >= 200 && r.status < 300;
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** One POST with node:http (lighter than fetch under load); rejects with TimeoutError after `timeoutMs`. */
function post(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    if (u.protocol !== 'http:') {
      reject(new Error(`only http:// request URLs on loopback are supported, not ${u.protocol}`));
      return;
    }
    const payload = Buffer.from(body);
    const req = request(
      u,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(payload.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(new TimeoutError(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(payload);
  });
}
