import { Control } from './control.js';
import { DriverError } from './driver.js';
import { NotFoundError } from './store.js';
import type { DeliveryOptions, Driver } from './driver.js';

// The control API over HTTP, under `/_sim/`, for tools outside the test process (the demo, curl):
//   POST /_sim/control/<operation>   body: JSON array of arguments (or one object = one argument)
//   POST /_sim/driver/<operation>    same, for the driver (slashCommand, clickButton, event, …)
//   GET  /_sim/state | /_sim/calls?method= | /_sim/channels/<id>/messages | /_sim/ephemerals
//        /_sim/response-urls | /_sim/deliveries | /_sim/files | /_sim/files/<id>/content (raw bytes)
//   POST /_sim/reset
// (The browser view for people lives at /_sim/ui, in web-ui.ts.)
// Operation names are the Control/Driver method names, so in-process and HTTP use stay identical.

const CONTROL_OPS = new Set(Object.getOwnPropertyNames(Control.prototype).filter((n) => n !== 'constructor'));
const DRIVER_OPS = new Set([
  'slashCommand',
  'postMessage',
  'clickButton',
  'clickViewButton',
  'shortcut',
  'openAppHome',
  'blockSuggestion',
  'submitView',
  'closeView',
  'event',
  'urlVerification',
  'appUninstalled',
  'tokensRevoked',
  'sslCheck',
  'raw',
]);

export interface HttpReply {
  status: number;
  body: unknown;
}

function args(raw: string): unknown[] {
  if (raw.trim() === '') return [];
  const parsed: unknown = JSON.parse(raw);
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** Over HTTP a body cannot carry a function: `tamperBody` replaces the signed body instead. */
function httpDeliveryOptions(a: unknown[]): unknown[] {
  return a.map((x) => {
    if (x && typeof x === 'object' && 'tamperBody' in x) {
      const { tamperBody, ...rest } = x as DeliveryOptions & { tamperBody: string };
      return { ...rest, tamper: () => tamperBody };
    }
    return x;
  });
}

export async function handleControlHttp(
  control: Control,
  driver: Driver,
  method: string,
  url: URL,
  rawBody: string,
): Promise<HttpReply> {
  const path = url.pathname.replace(/^\/_sim/, '');
  const q = Object.fromEntries(url.searchParams);
  try {
    if (method === 'GET') {
      if (path === '/state') return { status: 200, body: control.state() };
      if (path === '/calls')
        return {
          status: 200,
          body: control.apiCalls({ ...q, since: q.since ? Number(q.since) : undefined }),
        };
      if (path === '/ephemerals') return { status: 200, body: control.ephemerals(q) };
      if (path === '/response-urls') return { status: 200, body: control.responseUrls(q) };
      if (path === '/deliveries') return { status: 200, body: control.deliveries() };
      if (path === '/files') return { status: 200, body: control.files(q) };
      const file = /^\/files\/([^/]+)\/content$/.exec(path);
      if (file) {
        const content = control.fileContent(decodeURIComponent(file[1]!));
        return { status: 200, body: Buffer.from(content.base64, 'base64') };
      }
      const m = /^\/channels\/([^/]+)\/messages$/.exec(path);
      if (m)
        return {
          status: 200,
          body: control.messages(decodeURIComponent(m[1]!), { includeDeleted: q.includeDeleted === 'true' }),
        };
      return { status: 404, body: { error: 'not_found' } };
    }
    if (method !== 'POST') return { status: 405, body: { error: 'method_not_allowed' } };
    if (path === '/reset') {
      control.reset();
      return { status: 200, body: { ok: true } };
    }
    const op = /^\/(control|driver)\/([A-Za-z]+)$/.exec(path);
    if (!op) return { status: 404, body: { error: 'not_found' } };
    const name = op[2]!;
    if (op[1] === 'control') {
      if (!CONTROL_OPS.has(name))
        return { status: 404, body: { error: `unknown control operation ${name}` } };
      const fn = (control as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
      return { status: 200, body: (await fn.apply(control, args(rawBody))) ?? { ok: true } };
    }
    if (!DRIVER_OPS.has(name)) return { status: 404, body: { error: `unknown driver operation ${name}` } };
    const fn = (driver as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
    return { status: 200, body: await fn.apply(driver, httpDeliveryOptions(args(rawBody))) };
  } catch (err) {
    const e = err as Error;
    const status =
      err instanceof NotFoundError
        ? 404
        : err instanceof DriverError || err instanceof SyntaxError
          ? 400
          : 500;
    return { status, body: { error: e.message } };
  }
}
