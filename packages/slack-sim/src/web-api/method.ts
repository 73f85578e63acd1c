import type { ApiContext } from './context.js';

export type MethodResult = Record<string, unknown>;

export interface MethodSpec {
  /** Whether the call needs a token (everything except oauth.v2.access). */
  auth: boolean;
  handler: (ctx: ApiContext) => MethodResult | Promise<MethodResult>;
  /** Key of the rate-limit bucket beyond app+workspace (chat.postMessage: the channel). */
  rateKey?: (ctx: ApiContext) => string | undefined;
}
