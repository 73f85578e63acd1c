import { attachmentBlockErrors, blockErrors } from './block-kit-limits.js';
import { deleteMessage, postEphemeral, postMessage, updateMessage } from './messages.js';
import type { SimServices } from './services.js';
import type { Ephemeral, Message, MessageRef, ResponseUrl, ResponseUrlPost } from './types.js';

// response_url: the one-off webhook Slack gives with each slash command and interaction. The app
// POSTs JSON to it to answer the user — ephemerally (default) or in the channel, as a new message,
// replacing or deleting the original. Slack allows 5 uses within 30 minutes.
// https://api.slack.com/interactivity/handling#message_responses

export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;

export function createResponseUrl(
  sim: SimServices,
  input: {
    kind: 'commands' | 'actions';
    appId: string;
    teamId: string;
    channelId: string;
    userId: string;
    original?: MessageRef | null;
  },
): ResponseUrl {
  const n = sim.ids.sequence('response-url');
  const id = `${1000 + n}`;
  const secret = sim.ids.secret('response-url', 24);
  const r: ResponseUrl = {
    id,
    url: `${sim.baseUrl()}/${input.kind}/${input.teamId}/${id}/${secret}`,
    kind: input.kind,
    appId: input.appId,
    teamId: input.teamId,
    channelId: input.channelId,
    userId: input.userId,
    createdAt: sim.clock.now(),
    uses: 0,
    original: input.original ?? null,
    last: null,
    posts: [],
  };
  sim.store.responseUrls.set(id, r);
  return r;
}

export interface ResponseBody {
  text?: unknown;
  blocks?: unknown;
  attachments?: unknown;
  response_type?: unknown;
  replace_original?: unknown;
  delete_original?: unknown;
  thread_ts?: unknown;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

function resolve(sim: SimServices, ref: MessageRef | null): Message | Ephemeral | undefined {
  if (!ref) return undefined;
  return ref.kind === 'message'
    ? sim.store.findMessage(ref.channel, ref.ts)
    : sim.store.findEphemeral(ref.ts);
}

/**
 * Apply a response (from a response_url POST, or a slash command's synchronous ack body) to the
 * channel. Use counting and expiry are the caller's business: ack bodies spend none of the budget.
 */
export function applyResponse(
  sim: SimServices,
  r: ResponseUrl,
  body: ResponseBody,
  source: 'response_url' | 'command_ack',
): Omit<ResponseUrlPost, 'at' | 'body' | 'status'> {
  const inst = sim.store.installationFor(r.appId, r.teamId);
  const author = inst
    ? { user: inst.botUserId, botId: inst.botId, appId: r.appId }
    : { user: r.userId, botId: null, appId: r.appId };
  // For an interaction the original is the clicked message; for a command, what this URL last posted.
  const targetRef = r.kind === 'actions' ? r.original : r.last;
  const target = resolve(sim, targetRef);

  if (truthy(body.delete_original)) {
    if (!target || target.deleted) return { effect: 'rejected', error: 'message_not_found' };
    deleteMessage(target);
    return { effect: 'deleted', target: targetRef! };
  }
  const text = typeof body.text === 'string' ? body.text : undefined;
  const blocks = Array.isArray(body.blocks) ? (body.blocks as Message['blocks']) : undefined;
  const attachments = Array.isArray(body.attachments)
    ? (body.attachments as Message['attachments'])
    : undefined;
  if (text === undefined && !blocks?.length && !attachments?.length)
    return { effect: 'rejected', error: 'no_text' };
  if ([...blockErrors(blocks ?? [], '/blocks'), ...attachmentBlockErrors(attachments ?? [])].length > 0) {
    return { effect: 'rejected', error: 'invalid_blocks' };
  }
  const content = { text: text ?? '', blocks: blocks ?? null, attachments: attachments ?? null };

  if (truthy(body.replace_original) && target && !target.deleted) {
    updateMessage(sim, target, content, source, author.user);
    return { effect: 'replaced', target: targetRef! };
  }
  const channel = sim.store.channels.get(r.channelId);
  if (!channel) return { effect: 'rejected', error: 'channel_not_found' };
  if (body.response_type === 'in_channel') {
    if (channel.isArchived) return { effect: 'rejected', error: 'is_archived' };
    const m = postMessage(sim, channel.id, author, content, source, {
      threadTs: typeof body.thread_ts === 'string' ? body.thread_ts : null,
    });
    r.last = { kind: 'message', channel: channel.id, ts: m.ts };
    return { effect: 'posted', target: r.last };
  }
  const e = postEphemeral(sim, channel.id, r.userId, author, content, source);
  r.last = { kind: 'ephemeral', channel: channel.id, ts: e.ts };
  return { effect: 'posted_ephemeral', target: r.last };
}

/** `POST /commands/<team>/<id>/<secret>` and `/actions/…`. */
export function handleResponseUrlPost(
  sim: SimServices,
  path: string,
  contentType: string | undefined,
  rawBody: string,
): { status: number; body: Record<string, unknown> } {
  const m = /^\/(commands|actions)\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  const r = m ? sim.store.responseUrls.get(m[3]!) : undefined;
  if (!r || r.url !== `${sim.baseUrl()}${path}`)
    return { status: 404, body: { ok: false, error: 'no_active_hooks' } };

  const record = (
    status: number,
    body: unknown,
    outcome: Omit<ResponseUrlPost, 'at' | 'body' | 'status'>,
  ) => {
    r.posts.push({ at: sim.clock.now(), body, status, ...outcome });
    return { status, body: outcome.error ? { ok: false, error: outcome.error } : { ok: true } };
  };
  if (sim.clock.now() - r.createdAt > RESPONSE_URL_LIFETIME_MS)
    return record(404, rawBody, { effect: 'rejected', error: 'expired_url' });
  if (r.uses >= RESPONSE_URL_MAX_USES) return record(404, rawBody, { effect: 'rejected', error: 'used_url' });

  let body: ResponseBody;
  try {
    // Slack takes JSON here; a form with a `payload` field is the legacy spelling it still accepts.
    const type = (contentType ?? '').split(';')[0]!.trim();
    const parsed: unknown =
      type === 'application/x-www-form-urlencoded'
        ? JSON.parse(new URLSearchParams(rawBody).get('payload') ?? '')
        : JSON.parse(rawBody);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    body = parsed as ResponseBody;
  } catch {
    return record(400, rawBody, { effect: 'rejected', error: 'invalid_payload' });
  }
  r.uses += 1;
  const outcome = applyResponse(sim, r, body, 'response_url');
  return record(outcome.error ? 400 : 200, body, outcome);
}
