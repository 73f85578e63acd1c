import { SlackApiError, invalidArguments } from './errors.js';
import { attachmentBlockErrors, blockErrors } from '../block-kit-limits.js';
import { multipartBoundary, parseMultipart } from '../multipart.js';
import type { Attachment, Block, MessageMetadata } from '../types.js';

// Decoding of Web API arguments. Slack accepts the same arguments as query string, urlencoded or
// multipart form (where structured values like `blocks` arrive as JSON-encoded strings) or a JSON body.

export interface DecodedRequest {
  params: Record<string, unknown>;
  /** Token from `Authorization: Bearer`, or from a form/query `token` argument. */
  token: string | null;
  /** Whether `token` came from the Authorization header. */
  tokenFromHeader: boolean;
  /** Client credentials from HTTP Basic auth (oauth.v2.access accepts them there). */
  basicAuth: { user: string; password: string } | null;
}

export function decodeRequest(
  contentType: string | undefined,
  body: Buffer,
  query: URLSearchParams,
  authorization: string | undefined,
): DecodedRequest {
  const params: Record<string, unknown> = Object.fromEntries(query);
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const boundary = multipartBoundary(contentType);
  const rawBody = boundary ? '' : body.toString('utf8');
  let bodyToken: string | null = null;
  if (boundary) {
    let parts;
    try {
      parts = parseMultipart(body, boundary);
    } catch {
      throw new SlackApiError('invalid_form_data');
    }
    for (const p of parts) params[p.name] = p.data.toString('utf8');
    if (typeof params.token === 'string') bodyToken = params.token;
  } else if (type === 'application/json' && rawBody.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      throw new SlackApiError('invalid_json');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new SlackApiError('json_not_object');
    // Slack does not read a token from a JSON body: JSON callers must use the Authorization header.
    const { token: _ignored, ...rest } = parsed as Record<string, unknown>;
    Object.assign(params, rest);
  } else if (rawBody !== '') {
    // urlencoded (and anything unlabelled, which Slack also treats as a form)
    const form = new URLSearchParams(rawBody);
    for (const [k, v] of form) params[k] = v;
    if (typeof params.token === 'string') bodyToken = params.token;
  } else if (typeof params.token === 'string') {
    bodyToken = params.token;
  }
  delete params.token;

  let token: string | null = null;
  let basicAuth: DecodedRequest['basicAuth'] = null;
  const auth = authorization?.trim() ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
  const basic = /^Basic\s+(\S+)$/i.exec(auth);
  if (bearer) token = bearer[1]!;
  else if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i >= 0) basicAuth = { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
  }
  return { params, token: token ?? bodyToken, tokenFromHeader: token !== null, basicAuth };
}

export function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalidArguments(`${name} must be a string`);
}

export function booleanParam(params: Record<string, unknown>, name: string): boolean {
  const v = params[name];
  return v === true || v === 'true' || v === '1' || v === 1;
}

/**
 * A structured argument (`blocks`, `view`, `metadata`…): JSON-encoded in forms, as is in JSON
 * bodies. Undefined when absent; `bad()` is thrown for a string that is not JSON.
 */
export function jsonParam(params: Record<string, unknown>, name: string, bad: () => SlackApiError): unknown {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw bad();
  }
}

function structured(params: Record<string, unknown>, name: string, error: string): unknown[] | undefined {
  const v = jsonParam(params, name, () => new SlackApiError(error));
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new SlackApiError(error);
  return v;
}

function invalidBlocks(errors: string[]): SlackApiError {
  return new SlackApiError('invalid_blocks', {
    errors,
    response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
  });
}

/** `blocks`, decoded and checked against Block Kit's limits. */
export function blocksParam(params: Record<string, unknown>): Block[] | undefined {
  const blocks = structured(params, 'blocks', 'invalid_blocks_format');
  if (blocks === undefined) return undefined;
  const errors = blockErrors(blocks, '/blocks');
  if (errors.length > 0) throw invalidBlocks(errors);
  return blocks as Block[];
}

/** `attachments`, decoded; blocks inside them are checked like top-level ones. */
export function attachmentsParam(params: Record<string, unknown>): Attachment[] | undefined {
  const attachments = structured(params, 'attachments', 'invalid_attachments');
  if (attachments === undefined) return undefined;
  if (attachments.some((a) => a === null || typeof a !== 'object' || Array.isArray(a)))
    throw new SlackApiError('invalid_attachments');
  const errors = attachmentBlockErrors(attachments);
  if (errors.length > 0) throw invalidBlocks(errors);
  return attachments as Attachment[];
}

/**
 * `thread_ts`: a message timestamp ("1700000000.000100"). Anything else is `invalid_thread_ts`;
 * a well-formed ts is accepted even when it names no message, as Slack does.
 */
export function threadTsParam(params: Record<string, unknown>): string | undefined {
  const v = optionalString(params, 'thread_ts');
  if (v === undefined) return undefined;
  if (!/^\d{1,12}\.\d{1,6}$/.test(v) || /^0+\.0+$/.test(v)) {
    throw new SlackApiError('invalid_thread_ts', {
      response_metadata: { messages: [`[ERROR] ${v} is not a valid thread_ts`] },
    });
  }
  return v;
}

/**
 * `metadata` ({event_type, event_payload}, JSON-encoded in forms). Undefined when absent; null for
 * an empty object, which chat.update takes as "remove the metadata".
 */
export function metadataParam(params: Record<string, unknown>): MessageMetadata | null | undefined {
  const v = jsonParam(params, 'metadata', () => new SlackApiError('invalid_metadata_format'));
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new SlackApiError('invalid_metadata_format');
  const m = v as Record<string, unknown>;
  if (Object.keys(m).length === 0) return null;
  const payload = m.event_payload;
  if (
    typeof m.event_type !== 'string' ||
    m.event_type === '' ||
    payload === null ||
    typeof payload !== 'object' ||
    Array.isArray(payload)
  ) {
    throw new SlackApiError('invalid_metadata_schema');
  }
  return { event_type: m.event_type, event_payload: payload as Record<string, unknown> };
}
