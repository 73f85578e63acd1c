import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { authorize } from './oauth.js';
import { handleControlHttp } from './control-http.js';
import { receiveUpload, serveFile } from './files.js';
import { handleResponseUrlPost } from './response-url.js';
import { handleWebApi } from './web-api/dispatch.js';
import { handleWebUi } from './web-ui.js';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Control } from './control.js';
import type { Driver } from './driver.js';
import type { SimServices } from './services.js';

// One loopback HTTP server for everything Slack exposes to an app (Web API, OAuth, response_url
// webhooks) plus the simulator's own control API under /_sim/.

const MAX_BODY = 5 * 1024 * 1024;
/** Uploads may be larger than API calls (Slack allows 1 GB; a simulator needs less). */
const MAX_UPLOAD = 64 * 1024 * 1024;

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const raw = Buffer.isBuffer(body);
  const text = raw || typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': raw
      ? 'application/octet-stream'
      : typeof body === 'string'
        ? 'text/plain; charset=utf-8'
        : 'application/json; charset=utf-8',
    ...headers,
  });
  res.end(text);
}

/**
 * Apply injected faults to a non-Web-API endpoint (authorize page, response_url): wait out latency,
 * then drop or fail if asked. True when the request has been dealt with.
 */
async function faulted(
  sim: SimServices,
  target: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const fault = sim.faults.take(target);
  if (fault.latencyMs > 0) await sleep(fault.latencyMs);
  if (fault.terminal?.kind === 'drop') {
    req.socket.destroy();
    return true;
  }
  if (fault.terminal?.kind === 'http_error') {
    send(res, fault.terminal.status ?? 503, fault.terminal.body ?? 'Service Unavailable');
    return true;
  }
  if (fault.terminal?.kind === 'api_error') {
    send(res, 200, { ok: false, error: fault.terminal.error });
    return true;
  }
  return false;
}

export function createSimServer(sim: SimServices, control: Control, driver: Driver): Server {
  const server = createServer((req, res) => {
    void route(sim, control, driver, req, res).catch((err: unknown) => {
      send(res, 500, {
        ok: false,
        error: 'simulator_internal_error',
        detail: err instanceof Error ? err.message : String(err),
      });
    });
  });
  // Socket Mode connections (ws://…/link/?ticket=…) upgrade from this same server.
  server.on('upgrade', (req, socket, head) => {
    if (!sim.socketMode.handleUpgrade(req, socket, head)) socket.destroy();
  });
  // Long enough for clients to reuse connections: undici (fetch, Bolt's respond) subtracts 1 s from the server's
  // keep-alive hint, so 1 s meant a new TCP connection per call. close() still ends idle sockets at once
  // (SlackSim.close() calls closeAllConnections()).
  server.keepAliveTimeout = 5000;
  return server;
}

async function route(
  sim: SimServices,
  control: Control,
  driver: Driver,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', sim.baseUrl());
  const method = req.method ?? 'GET';
  const upload = /^\/upload\/v1\/([A-Za-z0-9]+)$/.exec(url.pathname);
  const body =
    method === 'GET' || method === 'HEAD'
      ? Buffer.alloc(0)
      : await readBody(req, upload ? MAX_UPLOAD : MAX_BODY);
  const rawBody = body.toString('utf8');

  const api = /^\/api\/([A-Za-z0-9._]+)$/.exec(url.pathname);
  if (api) {
    await handleWebApi(sim, api[1]!, req, res, body, url.searchParams);
    return;
  }
  if (upload && method === 'POST') {
    if (await faulted(sim, 'upload', req, res)) return;
    const answer = receiveUpload(sim, upload[1]!, req.headers['content-type'], body);
    return send(res, answer.status, answer.body);
  }
  if (url.pathname.startsWith('/files-pri/') && method === 'GET') {
    const answer = serveFile(sim, url.pathname, req.headers.authorization);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    return;
  }
  if (url.pathname === '/oauth/v2/authorize' && method === 'GET') {
    if (await faulted(sim, 'oauth/authorize', req, res)) return;
    const answer = authorize(sim, url.searchParams);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    return;
  }
  if (/^\/(commands|actions)\//.test(url.pathname) && method === 'POST') {
    if (await faulted(sim, 'response_url', req, res)) return;
    const answer = handleResponseUrlPost(sim, url.pathname, req.headers['content-type'], rawBody);
    return send(res, answer.status, answer.body);
  }
  if (url.pathname === '/_sim/ui' || url.pathname.startsWith('/_sim/ui/')) {
    const answer = await handleWebUi(control, driver, method, url, rawBody);
    if (answer) {
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
  }
  if (url.pathname.startsWith('/_sim/')) {
    const reply = await handleControlHttp(control, driver, method, url, rawBody);
    return send(res, reply.status, reply.body);
  }
  if (url.pathname === '/' && method === 'GET') {
    return send(res, 200, {
      name: 'slack-sim',
      webApi: `${sim.baseUrl()}/api/`,
      authorize: `${sim.baseUrl()}/oauth/v2/authorize`,
      control: `${sim.baseUrl()}/_sim/state`,
      ui: `${sim.baseUrl()}/_sim/ui`,
    });
  }
  send(res, 404, { ok: false, error: 'not_found' });
}
