// HTTP error responses: `{"error":{"code","message"}}`, with domain errors mapped to status codes.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { DomainError } from '../domain/errors.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  invalid: 400,
};

/** Fastify's own 4xx errors, renamed to stable codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Turns zod issues into one message naming each field and why. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = 'body'): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : root;
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length > 0 ? `${path}: ` : '';
        return `${where}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      if (issue.code === 'invalid_type') {
        return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
      }
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof HttpError) return reply.status(err.status).send(errorBody(err.code, err.message));
  if (err instanceof DomainError)
    return reply.status(DOMAIN_STATUS[err.kind]).send(errorBody(err.code, err.message));
  const fe = err as FastifyError;
  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code =
      (fe.code && FASTIFY_CODES[fe.code]) ?? (status === 413 ? 'payload_too_large' : 'bad_request');
    const message =
      status === 413
        ? 'request body is larger than 1 MB'
        : code === 'invalid_json'
          ? `body is not valid JSON: ${fe.message}`
          : fe.message;
    return reply.status(status).send(errorBody(code, message));
  }
  request.log.error({ err }, 'request failed');
  return reply.status(500).send(errorBody('internal_error', 'internal server error'));
}
