// pino logger. Secrets (Authorization headers, API key secrets, tokens) are redacted wherever they appear.
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'secret',
  '*.secret',
  'token',
  '*.token',
  '*.adminToken',
  '*.encryptionKey',
  '*.clientSecret',
  '*.signingSecret',
  '*.stateSecret',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
