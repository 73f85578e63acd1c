// Parsing request parts with zod and turning failures into 400s that name the field.
import type { z } from 'zod';
import { SLUG_PATTERN } from '../domain/stacks.js';
import { describeIssues, HttpError } from './errors.js';
import { ULID_PATTERN } from './schemas.js';

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  // No body at all (e.g. `curl -X POST` without -d) is treated as an empty object.
  const result = schema.safeParse(body === undefined || body === null ? {} : body);
  if (!result.success) throw new HttpError(400, 'invalid_body', describeIssues(result.error.issues));
  return result.data;
}

export function slugParam(name: string, value: string): string {
  if (!SLUG_PATTERN.test(value)) {
    throw new HttpError(
      400,
      'invalid_id',
      `${name}: "${value.slice(0, 80)}" is not a valid slug (lowercase letters, digits, "-", "_")`,
    );
  }
  return value;
}

export function ulidParam(name: string, value: string): string {
  if (!ULID_PATTERN.test(value))
    throw new HttpError(400, 'invalid_id', `${name}: "${value.slice(0, 80)}" is not a valid id`);
  return value;
}

export function intQuery(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) {
    throw new HttpError(400, 'invalid_query', `${name}: must be a whole number`);
  }
  const n = Number(value);
  if (n < min || n > max)
    throw new HttpError(400, 'invalid_query', `${name}: must be between ${min} and ${max}`);
  return n;
}
