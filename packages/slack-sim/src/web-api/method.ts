import type { ApiContext } from './context.js';

export type MethodResult = Record<string, unknown>;

export interface MethodSpec {
  /**
   * The token the call needs: a workspace token (bot or user; everything but a few methods), an
   * app-level token (`app`: apps.connections.open), or none (`false`: oauth.v2.access).
   */
  auth: boolean | 'app';
  /** The scope an app-level token needs for the method. */
  appScope?: string;
  handler: (ctx: ApiContext) => MethodResult | Promise<MethodResult>;
  /** Key of the rate-limit bucket beyond app+workspace (chat.postMessage: the channel). */
  rateKey?: (ctx: ApiContext) => string | undefined;
}
