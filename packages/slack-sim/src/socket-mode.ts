import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { beginDelivery, endDelivery } from './app-transport.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { DeliveryResult } from './app-transport.js';
import type { SimServices } from './services.js';
import type { App, Delivery } from './types.js';

// Socket Mode as Slack runs it: apps.connections.open hands out a one-time WebSocket URL; on
// connect Slack says `hello`; requests arrive as envelopes ({envelope_id, type, payload,
// accepts_response_payload}); the app acks each with {envelope_id, payload?} within 3 seconds, and
// a command's or submission's answer rides in that payload. Slack spreads envelopes over the app's
// connections (at most 10), retries unacknowledged Events API envelopes, and sends `disconnect`
// when it recycles a connection. Faults make it drop sockets and recycle connections on purpose.
// https://docs.slack.dev/apis/events-api/using-socket-mode

/** Slack's limit of simultaneous connections per app. */
export const MAX_CONNECTIONS = 10;
/** How long a URL from apps.connections.open may wait to be used. */
const TICKET_LIFETIME_MS = 30_000;
/** What Slack reports as a connection's expected lifetime when no refresh is planned (seconds). */
const DEFAULT_CONNECTION_TIME_S = 18_060;

export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled' | 'too_many_websockets';

export interface SocketFaults {
  /**
   * Drop (end the TCP connection without a close frame) every connection after it carried N
   * envelopes: it takes no more, and drops once those in flight are acked.
   */
  dropEvery?: number;
  /**
   * With dropEvery: drop right after sending the Nth envelope, with it (and any others) in flight.
   * Events are then retried; commands and interactions fail, as they would for the person.
   */
  dropInFlight?: boolean;
  /** Recycle each connection this long (ms) after its hello with a `disconnect` message. */
  disconnectAfterMs?: number;
  /** The reason those `disconnect` messages give (default refresh_requested). */
  disconnectReason?: DisconnectReason;
  /** After a `disconnect`, end the connection if the app has not closed it within this long (default 5000). */
  closeAfterDisconnectMs?: number;
}

export interface SocketConnectionInfo {
  id: string;
  appId: string;
  state: 'open' | 'draining' | 'closed';
  openedAt: number;
  closedAt: number | null;
  /** Why it ended: the app closed it, the simulator dropped it, or after a `disconnect`. */
  closedBy: 'app' | 'dropped' | 'disconnect' | null;
  envelopesSent: number;
  /** Envelopes sent on it still waiting for their ack. */
  inFlight: number;
  /** The `disconnect` reason sent on it, if any. */
  disconnectReason: DisconnectReason | null;
}

export interface EnvelopeRecord {
  envelopeId: string;
  appId: string;
  connectionId: string | null;
  type: string;
  retryAttempt: number;
  sentAt: number;
  outcome: 'pending' | 'acked' | 'timeout' | 'connection_closed' | 'no_connection';
  ackPayload: unknown;
  ackMs: number | null;
}

export interface Envelope {
  type: 'slash_commands' | 'interactive' | 'events_api';
  payload: unknown;
  acceptsResponsePayload: boolean;
}

interface Connection {
  info: SocketConnectionInfo;
  ws: WebSocket;
  url: string;
  /** A `disconnect` or a planned drop waits until the envelopes in flight are acked. */
  pendingEnd: { disconnect: DisconnectReason } | 'drop' | null;
  timers: NodeJS.Timeout[];
}

interface Waiting {
  envelopeId: string;
  connection: Connection;
  settle: (outcome: { ack?: unknown; closed?: boolean }) => void;
}

export class SocketModeHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Map<string, { appId: string; createdAt: number }>();
  private readonly connections: Connection[] = [];
  private readonly waiting = new Map<string, Waiting>();
  private readonly connectionWaiters: Array<{ appId: string; wake: () => void }> = [];
  private readonly envelopes: EnvelopeRecord[] = [];
  private faults: SocketFaults = {};
  private roundRobin = 0;
  private readonly ping: NodeJS.Timeout;

  constructor(private readonly sim: Pick<SimServices, 'store' | 'clock' | 'ids' | 'baseUrl'>) {
    // Slack pings its connections; clients watch for it once the first ping came.
    this.ping = setInterval(() => {
      for (const c of this.live()) c.ws.ping();
    }, 5000);
    this.ping.unref();
  }

  // ---- connecting -------------------------------------------------------------------------------

  /** The URL apps.connections.open answers with: single use, soon expired. */
  openUrl(appId: string): string {
    const ticket = this.sim.ids.secret('socket-ticket', 32);
    this.tickets.set(ticket, { appId, createdAt: this.sim.clock.now() });
    return `${this.sim.baseUrl().replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${appId}`;
  }

  /** The HTTP server's `upgrade`: a WebSocket for a valid ticket, 401 otherwise. True when handled. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', this.sim.baseUrl());
    if (url.pathname !== '/link/' && url.pathname !== '/link') return false;
    const ticket = url.searchParams.get('ticket') ?? '';
    const t = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (!t || this.sim.clock.now() - t.createdAt > TICKET_LIFETIME_MS) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(t.appId, ws, url.toString()));
    return true;
  }

  private accept(appId: string, ws: WebSocket, url: string): void {
    const c: Connection = {
      info: {
        id: `sm-${this.sim.ids.sequence('socket-connection')}`,
        appId,
        state: 'open',
        openedAt: this.sim.clock.now(),
        closedAt: null,
        closedBy: null,
        envelopesSent: 0,
        inFlight: 0,
        disconnectReason: null,
      },
      ws,
      url,
      pendingEnd: null,
      timers: [],
    };
    this.connections.push(c);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(c, String(data));
    });
    ws.on('close', () =>
      this.onClosed(c, c.info.closedBy ?? (c.info.disconnectReason ? 'disconnect' : 'app')),
    );
    ws.on('error', () => ws.terminate());

    const app = this.sim.store.apps.get(appId);
    if (!app?.socketMode) return this.sendDisconnect(c, 'link_disabled');
    if (this.live(appId).length > MAX_CONNECTIONS) return this.sendDisconnect(c, 'too_many_websockets');
    const lifetime = this.faults.disconnectAfterMs;
    this.send(c, {
      type: 'hello',
      num_connections: this.live(appId).length,
      debug_info: {
        host: `applink-sim-${c.info.id}`,
        build_number: 1,
        approximate_connection_time:
          lifetime !== undefined ? Math.ceil(lifetime / 1000) : DEFAULT_CONNECTION_TIME_S,
      },
      connection_info: { app_id: appId },
    });
    if (lifetime !== undefined) {
      c.timers.push(
        setTimeout(() => this.disconnect(c, this.faults.disconnectReason ?? 'refresh_requested'), lifetime),
      );
    }
    for (const w of this.connectionWaiters.filter((x) => x.appId === appId)) w.wake();
  }

  private onMessage(c: Connection, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return; // Slack ignores what it cannot read.
    }
    if (!msg || typeof msg !== 'object') return;
    const { envelope_id: envelopeId, payload } = msg as { envelope_id?: unknown; payload?: unknown };
    if (typeof envelopeId !== 'string') return;
    const w = this.waiting.get(envelopeId);
    // Acks may come over any connection of the app; late or unknown ones change nothing.
    if (w && w.connection.info.appId === c.info.appId) w.settle({ ack: payload });
  }

  private onClosed(c: Connection, by: NonNullable<SocketConnectionInfo['closedBy']>): void {
    if (c.info.state === 'closed') return;
    c.info.state = 'closed';
    c.info.closedAt = this.sim.clock.now();
    c.info.closedBy = by;
    for (const t of c.timers) clearTimeout(t);
    for (const w of [...this.waiting.values()]) if (w.connection === c) w.settle({ closed: true });
  }

  private send(c: Connection, message: unknown): void {
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(JSON.stringify(message));
  }

  // ---- faults and inspection --------------------------------------------------------------------

  setFaults(faults: SocketFaults): SocketFaults {
    this.faults = { ...faults };
    return this.faults;
  }

  /**
   * Recycle a connection: it takes no new envelopes at once, and gets `disconnect` when the ones in
   * flight are acked (at once with `immediate`); the app is expected to reconnect.
   */
  disconnect(c: Connection, reason: DisconnectReason, immediate = false): void {
    if (c.info.state === 'closed' || c.info.disconnectReason || c.pendingEnd) return;
    c.info.state = 'draining';
    c.pendingEnd = { disconnect: reason };
    if (immediate || c.info.inFlight === 0) this.sendDisconnect(c, reason);
  }

  private sendDisconnect(c: Connection, reason: DisconnectReason): void {
    c.pendingEnd = null;
    c.info.state = c.info.state === 'closed' ? 'closed' : 'draining';
    c.info.disconnectReason = reason;
    this.send(c, { type: 'disconnect', reason, debug_info: { host: `applink-sim-${c.info.id}` } });
    c.timers.push(
      setTimeout(() => {
        c.ws.terminate();
        this.onClosed(c, 'disconnect');
      }, this.faults.closeAfterDisconnectMs ?? 5000),
    );
  }

  /** End a connection's TCP socket without a close frame, as a network failure would. */
  drop(c: Connection): void {
    if (c.info.state === 'closed') return;
    c.ws.terminate();
    // Closed for the simulator at once: nothing more is routed to it, its envelopes in flight fail.
    this.onClosed(c, 'dropped');
  }

  /** Connections matching a filter, open ones unless `all`. */
  find(filter: { appId?: string; connectionId?: string }): Connection[] {
    return this.connections.filter(
      (c) =>
        c.info.state !== 'closed' &&
        (!filter.appId || c.info.appId === filter.appId) &&
        (!filter.connectionId || c.info.id === filter.connectionId),
    );
  }

  /** Disconnect every live connection of an app (Socket Mode switched off: link_disabled). */
  disconnectApp(appId: string, reason: DisconnectReason): void {
    for (const c of this.find({ appId })) this.disconnect(c, reason, true);
  }

  connectionInfo(appId?: string): SocketConnectionInfo[] {
    return this.connections.filter((c) => !appId || c.info.appId === appId).map((c) => ({ ...c.info }));
  }

  envelopeLog(appId?: string): EnvelopeRecord[] {
    return this.envelopes.filter((e) => !appId || e.appId === appId);
  }

  clearHistory(): void {
    this.envelopes.length = 0;
    for (let i = this.connections.length - 1; i >= 0; i--) {
      if (this.connections[i]!.info.state === 'closed') this.connections.splice(i, 1);
    }
  }

  close(): void {
    clearInterval(this.ping);
    for (const c of this.connections) {
      for (const t of c.timers) clearTimeout(t);
      c.ws.terminate();
    }
    for (const w of this.connectionWaiters) w.wake();
    this.wss.close();
  }

  // ---- delivering -------------------------------------------------------------------------------

  /** Open connections of an app that take envelopes (hello sent, not being recycled). */
  private live(appId?: string): Connection[] {
    return this.connections.filter(
      (c) => c.info.state === 'open' && c.ws.readyState === c.ws.OPEN && (!appId || c.info.appId === appId),
    );
  }

  /** A connection for the app, waiting for one (until `deadline`) while it has none. */
  private async connectionFor(appId: string, deadline: number): Promise<Connection | null> {
    for (;;) {
      const live = this.live(appId);
      if (live.length > 0) return live[this.roundRobin++ % live.length]!;
      const left = deadline - performance.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const waiter = { appId, wake: () => done() };
        const timer = setTimeout(() => done(), left);
        const done = () => {
          clearTimeout(timer);
          const i = this.connectionWaiters.indexOf(waiter);
          if (i >= 0) this.connectionWaiters.splice(i, 1);
          resolve();
        };
        this.connectionWaiters.push(waiter);
      });
    }
  }

  /**
   * Send one envelope and wait for its ack, within `timeoutMs` of now (Slack's 3 seconds), waiting
   * first for a connection if the app has none open. The answer looks like an HTTP delivery's: 200
   * and the ack's payload as the body, or no status when nothing came back.
   */
  async deliver(
    app: App,
    kind: Delivery['kind'],
    envelope: Envelope,
    options: { timeoutMs?: number; retryAttempt?: number; retryReason?: string },
  ): Promise<DeliveryResult & { envelopeId: string }> {
    const started = performance.now();
    const deadline = started + (options.timeoutMs ?? 3000);
    const envelopeId = `${this.sim.ids.secret('envelope', 8)}-${this.sim.ids.secret('envelope', 4)}-${this.sim.ids.secret('envelope', 12)}`;
    const message: Record<string, unknown> = {
      envelope_id: envelopeId,
      payload: envelope.payload,
      type: envelope.type,
      accepts_response_payload: envelope.acceptsResponsePayload,
      // Only Events API envelopes are retried, and say so.
      ...(envelope.type === 'events_api'
        ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' }
        : {}),
    };
    const body = JSON.stringify(message);
    const record: EnvelopeRecord = {
      envelopeId,
      appId: app.id,
      connectionId: null,
      type: envelope.type,
      retryAttempt: options.retryAttempt ?? 0,
      sentAt: this.sim.clock.now(),
      outcome: 'pending',
      ackPayload: null,
      ackMs: null,
    };
    this.envelopes.push(record);
    const begun = beginDelivery(this.sim, kind, 'socket', app, { url: '', headers: {}, body });
    const result = { ...begun.result, envelopeId };
    const finish = () => {
      result.ackMs = performance.now() - started;
      record.ackMs = result.status === 200 ? result.ackMs : null;
      return endDelivery(begun.delivery, result);
    };

    const c = await this.connectionFor(app.id, deadline);
    if (!c) {
      record.outcome = 'no_connection';
      result.timedOut = true;
      result.error = 'dispatch_failed: the app has no Socket Mode connection';
      return finish();
    }
    record.connectionId = c.info.id;
    result.request.url = c.url;
    const outcome = await new Promise<{ ack?: unknown; closed?: boolean; timeout?: boolean }>((resolve) => {
      const timer = setTimeout(() => settle({ timeout: true }), Math.max(0, deadline - performance.now()));
      const settle = (o: { ack?: unknown; closed?: boolean; timeout?: boolean }) => {
        if (!this.waiting.has(envelopeId)) return;
        clearTimeout(timer);
        this.waiting.delete(envelopeId);
        c.info.inFlight -= 1;
        resolve(o);
      };
      this.waiting.set(envelopeId, { envelopeId, connection: c, settle });
      c.info.inFlight += 1;
      c.info.envelopesSent += 1;
      this.send(c, message);
      if (this.dropDue(c)) {
        if (this.faults.dropInFlight) this.drop(c);
        else {
          // Between envelopes: no new ones go to it, and it drops once those in flight are acked.
          c.info.state = 'draining';
          c.pendingEnd ??= 'drop';
        }
      }
    });

    if (outcome.ack !== undefined || (!outcome.closed && !outcome.timeout)) {
      record.outcome = 'acked';
      record.ackPayload = outcome.ack ?? null;
      result.status = 200;
      const answer = outcome.ack;
      const empty =
        answer === undefined ||
        answer === null ||
        (typeof answer === 'object' && !Array.isArray(answer) && Object.keys(answer).length === 0);
      result.body = empty ? '' : JSON.stringify(answer);
      result.json = empty ? null : answer;
      result.headers = { 'content-type': 'application/json' };
    } else if (outcome.closed) {
      record.outcome = 'connection_closed';
      result.error = 'dispatch_failed: the connection closed before the ack';
    } else {
      record.outcome = 'timeout';
      result.timedOut = true;
      result.error = 'operation_timeout';
    }
    // A recycled connection gets its `disconnect` (or its planned drop) once nothing is in flight on it.
    if (c.pendingEnd && c.info.inFlight === 0) {
      if (c.pendingEnd === 'drop') this.drop(c);
      else this.sendDisconnect(c, c.pendingEnd.disconnect);
    }
    return finish();
  }

  private dropDue(c: Connection): boolean {
    const n = this.faults.dropEvery;
    return n !== undefined && n > 0 && c.info.envelopesSent % n === 0 && c.info.state !== 'closed';
  }
}
