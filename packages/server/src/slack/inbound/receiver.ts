// Bolt behind Fastify: a custom receiver at POST /slack/events for slash commands, interactivity and the Events API.
// It keeps the raw body (the signature covers the exact bytes), verifies signature and timestamp before anything
// else, answers url_verification and ssl_check itself, and replies as soon as a listener calls ack() — listeners
// keep working after the reply (Slack wants an answer within 3 s). It hands listeners the request's stable key
// (context.requestKey) so they can drop redeliveries after the ack, keeping the database off the ack path.
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { verifySlackRequest } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { describe } from '../platform/errors.js';
import { EVENTS_PATH } from '../platform/manifest.js';

/** Slack's window for X-Slack-Request-Timestamp, in both directions. */
const MAX_SKEW_SECONDS = 5 * 60;
/** Slack gives up after 3 s; answering later is pointless, so an unanswered request is closed just before. */
const ACK_TIMEOUT_MS = 2_900;
const BODY_LIMIT = 1024 * 1024;

export interface FastifyReceiverOptions {
  signingSecret: string;
  logger: Logger;
  now?: () => number;
}

export class FastifyReceiver implements Receiver {
  private bolt: App | undefined;

  constructor(private readonly options: FastifyReceiverOptions) {}

  init(app: App): void {
    this.bolt = app;
  }

  // Fastify owns the server; Bolt's start/stop have nothing to do.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** Registers POST /slack/events in its own context (its own body parsing: raw bytes for any content type). */
  plugin() {
    return async (app: FastifyInstance) => {
      app.removeAllContentTypeParsers();
      app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) =>
        done(null, body),
      );
      app.post(EVENTS_PATH, (request, reply) => this.handle(request, reply));
    };
  }

  private async handle(request: FastifyRequest, reply: FastifyReply) {
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    const contentType = mediaType(request.headers['content-type']);

    // ssl_check carries no signature and must not be able to smuggle anything in: answer and stop.
    if (
      contentType === 'application/x-www-form-urlencoded' &&
      new URLSearchParams(raw).get('ssl_check') === '1'
    )
      return reply.status(200).send();

    const failure = this.verify(request, raw);
    if (failure) {
      // The reason is logged (never the signature or the secret); the caller learns nothing beyond 401.
      request.log.warn({ reason: failure }, 'rejected a request to /slack/events');
      return reply
        .status(401)
        .send({ error: { code: 'invalid_signature', message: 'request not signed by Slack' } });
    }

    let body: Record<string, unknown>;
    try {
      body = parseBody(contentType, raw);
    } catch {
      return reply.status(400).send({ error: { code: 'bad_request', message: 'unreadable Slack payload' } });
    }
    if (body.type === 'url_verification') return reply.send({ challenge: body.challenge });

    return this.dispatch(request, reply, body);
  }

  private verify(request: FastifyRequest, raw: string): string | undefined {
    const signature = request.headers['x-slack-signature'];
    const timestamp = request.headers['x-slack-request-timestamp'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string') return 'missing signature headers';
    if (!/^\d{1,12}$/.test(timestamp)) return 'malformed timestamp';
    const ts = Number(timestamp);
    const nowMs = this.options.now?.() ?? Date.now();
    // Bolt only rejects old timestamps; a far-future one is as suspicious.
    if (Math.abs(nowMs / 1000 - ts) > MAX_SKEW_SECONDS) return 'timestamp outside the 5-minute window';
    try {
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: raw,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts },
        nowMilliseconds: nowMs,
      });
    } catch {
      return 'signature mismatch';
    }
    return undefined;
  }

  private async dispatch(request: FastifyRequest, reply: FastifyReply, body: Record<string, unknown>) {
    const bolt = this.bolt;
    if (!bolt) throw new Error('the Slack receiver was not initialised by Bolt');
    let acked = false;
    let answer: (value: { body: unknown } | undefined) => void = () => {};
    const answered = new Promise<{ body: unknown } | undefined>((resolve) => (answer = resolve));
    const retryNum = request.headers['x-slack-retry-num'];
    const retryReason = request.headers['x-slack-retry-reason'];
    const event: ReceiverEvent = {
      body,
      retryNum: typeof retryNum === 'string' ? Number.parseInt(retryNum, 10) : undefined,
      retryReason: typeof retryReason === 'string' ? retryReason : undefined,
      customProperties: { requestKey: requestKey(body) },
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        answer({ body: response });
      },
    };
    const timer = setTimeout(() => answer(undefined), ACK_TIMEOUT_MS);
    bolt
      .processEvent(event)
      .catch((err: unknown) => request.log.error({ err: describe(err) }, 'Slack listener failed'))
      .finally(() => answer(acked ? undefined : { body: undefined }));
    const result = await answered;
    clearTimeout(timer);
    if (!result) {
      request.log.error('no acknowledgement within 3 s');
      return reply.status(503).send();
    }
    if (result.body === undefined || result.body === '') return reply.status(200).send();
    if (typeof result.body === 'string') return reply.type('text/plain; charset=utf-8').send(result.body);
    return reply.send(result.body);
  }
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Slash commands are forms, interactivity is a form with one JSON `payload` field, events are JSON. */
function parseBody(contentType: string, raw: string): Record<string, unknown> {
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(raw);
    const payload = form.get('payload');
    if (payload !== null) return JSON.parse(payload) as Record<string, unknown>;
    return Object.fromEntries(form);
  }
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('not an object');
  return parsed as Record<string, unknown>;
}

/**
 * The stable identity of a Slack request, the same on every redelivery: the event id, the trigger id of a
 * command or click (unique per user gesture), else none (such requests are not deduplicated).
 */
export function requestKey(body: Record<string, unknown>): string | undefined {
  if (typeof body.event_id === 'string') return `event:${body.event_id}`;
  if (typeof body.trigger_id === 'string') {
    const kind = typeof body.command === 'string' ? 'command' : String(body.type ?? 'interaction');
    return `${kind}:${body.trigger_id}`;
  }
  return undefined;
}
